// A Pod's key and the name the page shows for it (static/playground/podkey.js), the rule
// cluster_sim/podkey.py's pod_key follows on the server, under Node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";

import { podKey, podName } from "../../static/playground/podkey.js";
import { podName as pagekitPodName } from "../../static/playground/pagekit.js";

test("a bare name is a Pod of the default namespace, as kubectl without -n", () => {
  assert.equal(podKey("web"), "default/web");
  assert.equal(podKey("web-7d4b9c-x2x"), "default/web-7d4b9c-x2x");
});

test("a key with a namespace is kept as it is", () => {
  assert.equal(podKey("default/web"), "default/web");
  assert.equal(podKey("kube-system/dns"), "kube-system/dns");
});

test("the page writes a default-namespace Pod by its bare name, as kubectl get does", () => {
  assert.equal(podName("default/web"), "web");
  assert.equal(podName("shop/web"), "shop/web"); // another namespace keeps its key
  assert.equal(podName("web"), "web");
  assert.equal(podName("defaultish/web"), "defaultish/web"); // the namespace, not a prefix of it
});

test("the short name undoes the key for every default-namespace name", () => {
  for (const name of ["web", "a", "web-0", "api.v2"]) assert.equal(podName(podKey(name)), name);
  for (const key of ["default/web", "shop/web"]) assert.equal(podKey(podName(key)), key);
});

test("any value is read as text (a number as a name)", () => {
  assert.equal(podKey(7), "default/7");
  assert.equal(podName(7), "7");
});

test("the page kit's podName is this one", () => {
  assert.equal(pagekitPodName, podName);
});
