/* Pod Playground layouts: the desk layout, or the projector layout for a room.
 *
 * Loaded in <head> without defer, so the page is laid out once, in the right
 * layout: the view comes from ?view=projector (or ?view=desk), else from this
 * device's last choice (localStorage), else the desk. It is set as
 * <html data-view="...">; views.css does the rest. A phone needs no switch: the
 * desk layout folds to one column on a narrow screen.
 *
 * The legend is a <details>: open on the desk, folded on a projector or a
 * phone, until the reader opens or folds it.
 */
(function () {
  "use strict";

  const KEY = "podPlayground.view";
  const VIEWS = ["desk", "projector"];
  const PHONE = window.matchMedia("(max-width: 600px)");

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null; // storage off (private mode, a sandbox): the desk, every time
    }
  }

  function remember(view) {
    try {
      window.localStorage.setItem(KEY, view);
    } catch (error) {
      // not remembered; the page still switches
    }
  }

  function fromUrl() {
    const view = new URLSearchParams(window.location.search).get("view");
    return VIEWS.includes(view) ? view : null;
  }

  const asked = fromUrl();
  if (asked) remember(asked);
  let view = asked || (VIEWS.includes(stored()) ? stored() : "desk");
  document.documentElement.dataset.view = view;

  let legendTouched = false;

  function foldLegend() {
    const legend = document.getElementById("legend");
    if (!legend || legendTouched) return;
    legend.open = view === "desk" && !PHONE.matches;
  }

  /* On a projector a run of a few Pods would be a strip in a tall panel: the
   * timeline is scaled up (CSS zoom, so its geometry stays 1:1) until it fills
   * the panel's height, at most MAX_TIMELINE_ZOOM. */
  const MAX_TIMELINE_ZOOM = 1.8;
  let timelineZoom = 1;

  function fitTimeline() {
    const timeline = document.getElementById("timeline");
    if (!timeline) return;
    const head = timeline.querySelector(".timeline-head");
    const body = timeline.querySelector(".timeline-body");
    let zoom = 1;
    if (view === "projector" && head && body) {
      const content = head.offsetHeight + (parseFloat(body.style.height) || body.offsetHeight);
      const room = timeline.clientHeight * timelineZoom; // in the panel's pixels
      zoom = Math.max(1, Math.min(MAX_TIMELINE_ZOOM, room / Math.max(1, content)));
      zoom = Math.floor(zoom * 20) / 20; // steps of 0.05: no resize loop
    }
    if (zoom !== timelineZoom) {
      timelineZoom = zoom;
      timeline.style.zoom = zoom === 1 ? "" : String(zoom);
      timeline.dataset.zoom = String(zoom);
    }
  }

  function watchTimeline() {
    const timeline = document.getElementById("timeline");
    if (!timeline) return;
    const sizes = new ResizeObserver(() => fitTimeline());
    sizes.observe(timeline);
    const observeBody = () => {
      const body = timeline.querySelector(".timeline-body");
      if (body) sizes.observe(body); // its height is the lanes' height (timeline.js)
    };
    new MutationObserver(observeBody).observe(timeline, { childList: true });
    observeBody();
  }

  function setView(next) {
    view = next;
    document.documentElement.dataset.view = view;
    remember(view);
    for (const button of document.querySelectorAll(".view-switch [data-view]")) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    }
    foldLegend();
    fitTimeline();
    // Rows change height with the type size: the page's virtual lists measure them again.
    window.dispatchEvent(new CustomEvent("podlayoutchange", { detail: { view } }));
    // The URL says what the page shows, so a copied link opens the same layout.
    const url = new URL(window.location.href);
    if (url.searchParams.has("view") || view !== "desk") {
      url.searchParams.set("view", view);
      window.history.replaceState(window.history.state, "", url);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll(".view-switch [data-view]")) {
      button.addEventListener("click", () => setView(button.dataset.view));
    }
    const legend = document.getElementById("legend");
    if (legend) {
      legend.querySelector("summary").addEventListener("click", () => {
        legendTouched = true;
      });
    }
    setView(view);
    watchTimeline();
    PHONE.addEventListener("change", foldLegend);
  });

  window.podLayout = { get view() { return view; }, setView };
})();
