// Validates every monitoring.coreos.com object of a published manifest directory against the Prometheus Operator's
// CRD schemas (@kubernetes-models/prometheus-operator, pinned in package.json), or with API versions given after the
// directory those objects against Kubernetes' own schemas (kubernetes-models). Usage: node validate.mjs DIR [API_VERSION...]
// Prints one line per object ("ok KIND NS/NAME" or "invalid KIND NS/NAME: reason") and exits 1 if any is invalid
// or of a kind the package has no model for.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import * as v1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as v1alpha1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1";

import * as networking from "kubernetes-models/networking.k8s.io/v1";

const models = { "monitoring.coreos.com/v1": v1, "monitoring.coreos.com/v1alpha1": v1alpha1, "networking.k8s.io/v1": networking };
const selected = (apiVersion) => process.argv.length > 3 ? process.argv.slice(3).includes(apiVersion) : apiVersion.startsWith("monitoring.coreos.com/");

function* yamlFiles(directory) {
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) yield* yamlFiles(path);
    else if (entry.endsWith(".yaml")) yield path;
  }
}

let invalid = 0, checked = 0;
for (const file of yamlFiles(process.argv[2])) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const object = document.toJS();
    if (!object || !selected(String(object.apiVersion))) continue;
    const name = `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`;
    const Model = models[object.apiVersion]?.[object.kind];
    checked++;
    if (!Model) {
      console.log(`invalid ${name}: no schema for ${object.apiVersion} ${object.kind}`);
      invalid++;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok ${name}`);
    } catch (error) {
      console.log(`invalid ${name}: ${error.message}`);
      invalid++;
    }
  }
}
console.log(`${checked} objects checked, ${invalid} invalid`);
process.exit(invalid > 0 ? 1 : 0);
