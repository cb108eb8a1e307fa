"""Classroom rooms: one run simulated once, driven by a presenter, followed by a class.

The wire protocol is ``docs/rooms-protocol.md``. Modules, one concept each:

- :mod:`.codes`: join codes, presenter secrets and their hashes;
- :mod:`.models`: the stored room (survives a restart, expires when idle);
- :mod:`.history`: the frames a room keeps, compacted into a late joiner's snapshot;
- :mod:`.viewers`: one connection's flow control (``seq``/``ack`` window, resync);
- :mod:`.predictions`: questions, answers and their tally;
- :mod:`.hub`: one room in the process that owns it (its run, fan-out, presenter);
- :mod:`.relay`: a room owned by another server process, followed over Redis;
- :mod:`.registry`: the rooms of this process (open, restore, expire);
- :mod:`.messages`: parsing room messages and building room frames;
- :mod:`.consumer`: the room websocket;
- :mod:`.views`: the join page and its QR code.
"""
