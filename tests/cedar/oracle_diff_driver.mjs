// Differential-test driver: answers batch files with the official Cedar engine
// (@cedar-policy/cedar-wasm from ../shared/tools/cedar-oracle), like `oracle.mjs batch` but
// also accepting "templates" {id: text} and "templateLinks" [{templateId,newId,values}], and
// many files per run (one Node start-up). For each file prints "== FILE" then one JSON line
// per request: {"decision","reason","errors"} (ids sorted) or {"failure":[...]}.
//   CEDAR_ORACLE_DIR=../shared/tools/cedar-oracle node oracle_diff_driver.mjs B1.json B2.json ...
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';

const dir = process.env.CEDAR_ORACLE_DIR;
if (!dir) {
  console.error('set CEDAR_ORACLE_DIR to the cedar-oracle folder');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(dir), 'package.json'));
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const sorted = (xs) => [...xs].sort();
let n = 0;
for (const file of process.argv.slice(2)) {
  const b = JSON.parse(fs.readFileSync(file, 'utf8'));
  const id = `set${n++}`;
  const pre = cedar.preparsePolicySet(id, {
    staticPolicies: b.policies,
    templates: b.templates ?? {},
    templateLinks: b.templateLinks ?? [],
  });
  const lines = [`== ${file}`];
  if (pre.type !== 'success') {
    lines.push(JSON.stringify({ parseFailure: pre.errors.map((e) => e.message) }));
  } else {
    for (const r of b.requests) {
      const a = cedar.statefulIsAuthorized({
        principal: r.principal, action: r.action, resource: r.resource, context: r.context ?? {},
        preparsedPolicySetId: id, entities: b.entities,
      });
      lines.push(JSON.stringify(a.type === 'success'
        ? { decision: a.response.decision, reason: sorted(a.response.diagnostics.reason),
            errors: sorted(a.response.diagnostics.errors.map((e) => e.policyId)) }
        : { failure: a.errors.map((e) => e.message) }));
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}
