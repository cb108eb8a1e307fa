/* Pod Playground: a Pod's key, "namespace/name", and the name kubectl shows for it.
 *
 * Records, actions and the page's indexes name a Pod by its key; a bare name
 * means the "default" namespace, as kubectl without -n (cluster_sim/podkey.py,
 * pod_key, is the same rule on the server). The page writes a Pod of the
 * default namespace by its bare name, as kubectl does ("web"); a Pod of another
 * namespace keeps its key ("shop/web").
 *
 * An ES module (no globals); tests/js/podkey.test.js runs it under Node.
 */

const DEFAULT_NAMESPACE = "default";
const DEFAULT_PREFIX = `${DEFAULT_NAMESPACE}/`;

/** "web" -> "default/web"; "shop/web" stays "shop/web". */
function podKey(name) {
  const text = String(name);
  return text.includes("/") ? text : `${DEFAULT_PREFIX}${text}`;
}

/** "default/web" -> "web" (kubectl's short name); "shop/web" stays "shop/web". */
function podName(key) {
  const text = String(key);
  return text.startsWith(DEFAULT_PREFIX) ? text.slice(DEFAULT_PREFIX.length) : text;
}

export { DEFAULT_NAMESPACE, podKey, podName };
