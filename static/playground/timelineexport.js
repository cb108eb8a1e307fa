/* Pod Playground timeline export: the timeline as a standalone SVG file.
 *
 * Timeline.prototype.toSVGString(caption): the axis and the lanes with the
 * page's styles written into the elements. Scrubbed back, the file shows what
 * the page shows up to the view time, on an axis that ends there.
 */
import { Timeline, kit } from "./timeline.js";

const { SVG_NS, AXIS_HEIGHT, svgEl } = kit;

/* ---------- export ---------- */

// Presentation properties copied into the exported file, so that it looks the
// same without the page's stylesheet.
const INHERITED = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray",
  "stroke-opacity", "stroke-linecap", "stroke-linejoin", "font-family", "font-size",
  "font-weight", "font-style", "text-anchor", "visibility"];
const OWN = { opacity: "1", "text-decoration-line": "none" };

function cssUrl(value) {
  // Chrome resolves url(#id) against the page; the file needs the bare fragment.
  return value.replace(/url\("?[^)"]*?(#[^)"]+)"?\)/g, "url($1)");
}

/** Copy `source` with the computed styles written into presentation attributes. */
function inlined(source) {
  const copy = source.cloneNode(true);
  const walk = (src, dst, parentStyle) => {
    const style = getComputedStyle(src);
    if (style.display === "none") {
      dst.remove();
      return;
    }
    // SVG presentation attributes, not a style attribute: the page's
    // Content-Security-Policy allows no inline style, and the file needs none.
    for (const name of INHERITED) {
      const value = style.getPropertyValue(name);
      if (!parentStyle || parentStyle.getPropertyValue(name) !== value) dst.setAttribute(name, cssUrl(value));
    }
    for (const [name, initial] of Object.entries(OWN)) {
      const value = style.getPropertyValue(name);
      if (value && value !== initial) dst.setAttribute(name === "text-decoration-line" ? "text-decoration" : name, value);
    }
    dst.removeAttribute("class");
    const srcKids = [...src.children];
    const dstKids = [...dst.children];
    srcKids.forEach((child, i) => {
      if (child.tagName === "title" || child.tagName === "defs" || child.tagName === "clipPath" || child.tagName === "pattern") return;
      walk(child, dstKids[i], style);
    });
  };
  walk(source, copy, null);
  return copy;
}

/** The timeline as a standalone SVG document (axis, lanes, marks, styles inlined). */
Timeline.prototype.toSVGString = function toSVGString(caption) {
  if (!this.svg || !this.axisSvg) return null;
  if (this.view !== null && !this.zoom) {
    // Scrubbed back: the file's axis ends at the time shown, not at the live
    // edge (72 s of an hour-long run would be a sliver at the left).
    this.zoom = { t0: 0, span: Math.max(1, this.view) };
    this.render();
    try {
      return this.toSVGString(caption);
    } finally {
      this.zoom = null;
      this.render();
    }
  }
  const lanesHeight = Number(this.svg.getAttribute("height")) || 40;
  const top = caption ? 22 : 0;
  const height = top + AXIS_HEIGHT + lanesHeight;
  const out = document.createElementNS(SVG_NS, "svg");
  out.setAttribute("xmlns", SVG_NS);
  out.setAttribute("width", this.width);
  out.setAttribute("height", height);
  out.setAttribute("viewBox", `0 0 ${this.width} ${height}`);
  const defs = svgEl("defs", {}, out);
  for (const pattern of document.querySelectorAll(".svg-defs pattern")) defs.appendChild(pattern.cloneNode(true));
  svgEl("rect", { x: 0, y: 0, width: this.width, height, fill: "#ffffff" }, out);
  if (caption) {
    const text = svgEl("text", { x: 4, y: 15, "font-family": "system-ui, sans-serif", "font-size": 12, fill: "#1f2430" }, out);
    text.textContent = caption;
  }
  const axis = inlined(this.axisSvg);
  out.querySelectorAll("[data-skip-export]").forEach((el) => el.remove());
  axis.setAttribute("y", top);
  axis.removeAttribute("aria-hidden");
  out.appendChild(axis);
  const lanes = inlined(this.svg);
  lanes.setAttribute("y", top + AXIS_HEIGHT);
  if (this.view !== null) {
    // The file shows what the page shows: nothing after the view time.
    const clip = svgEl("clipPath", { id: "view-clip" }, defs);
    svgEl("rect", { x: 0, y: 0, width: this.x(this.view) + 0.5, height: lanesHeight }, clip);
    const pods = lanes.querySelector("[data-layer=pods]");
    if (pods) pods.setAttribute("clip-path", "url(#view-clip)");
    const cluster = lanes.querySelector("[data-row=cluster]");
    if (cluster) cluster.setAttribute("clip-path", "url(#view-clip)");
    svgEl("line", { x1: this.x(this.view), x2: this.x(this.view), y1: 0, y2: lanesHeight, stroke: "#b42318", "stroke-width": 1.5 }, lanes);
  }
  out.appendChild(lanes);
  out.querySelectorAll("[data-skip-export]").forEach((el) => el.remove());
  return new XMLSerializer().serializeToString(out);
};

