"""Pod Playground web layer: one page, one websocket, a paced simulation stream."""
