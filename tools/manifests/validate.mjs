// Checks rendered Kubernetes manifests against the Kubernetes API schemas, offline, and lints Dockerfiles:
//   node tools/manifests/validate.mjs rendered.yaml [more.yaml ...] [deploy/Dockerfile]
// Two passes per resource, because neither catches everything alone:
// - the schema validators of kubernetes-models: required fields, types, enums and formats;
// - the same models' TypeScript types, compiled: a field the API does not know (a typo such as
//   "livenesProbe") is an error there, while the API server would drop it silently or reject it.
// Prints one line per resource, then "counts: PASSED FAILED" for test.sh. Exit code 1 if any failed.
import { parseAllDocuments } from "yaml";
import ts from "typescript";
import { validate as lintDockerfile } from "dockerfile-utils";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2);
if (files.length === 0) {
    console.error("usage: node validate.mjs rendered.yaml [more.yaml ...] [Dockerfile]");
    process.exit(2);
}

/** The module that models a resource: core resources are under v1, the others under their group. */
function modelModule(apiVersion) {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
    return group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
}

const resources = [];
for (const file of files) {
    if (/(^|\/)Dockerfile$/.test(file)) {
        // Unknown instructions, missing arguments, bad flags: what `docker build` would stop on.
        const errors = lintDockerfile(readFileSync(file, "utf8"), {}).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
        resources.push({ file, name: "Dockerfile", errors });
        continue;
    }
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
        if (doc.errors.length > 0) {
            resources.push({ file, name: "(unparsable YAML)", errors: doc.errors.map((e) => e.message) });
            continue;
        }
        const body = doc.toJS();
        if (body === null || body === undefined) {
            continue;
        }
        const name = `${body.kind ?? "?"}/${body.metadata?.name ?? "?"}`;
        resources.push({ file, name, body, errors: [] });
    }
}

// Pass 1: the schema validators.
for (const r of resources.filter((r) => r.body)) {
    if (typeof r.body.apiVersion !== "string" || typeof r.body.kind !== "string") {
        r.errors.push("apiVersion and kind are required");
        continue;
    }
    let model;
    try {
        model = (await import(modelModule(r.body.apiVersion)))[r.body.kind];
    } catch {
        model = undefined;
    }
    if (typeof model !== "function") {
        r.errors.push(`${r.body.apiVersion} ${r.body.kind} is not a Kubernetes API resource`);
        continue;
    }
    r.module = modelModule(r.body.apiVersion);
    try {
        new model(r.body).validate();
    } catch (e) {
        r.errors.push(e.message);
    }
}

// Pass 2: unknown fields, through TypeScript's excess property checks on each resource as an object literal.
const typed = resources.filter((r) => r.module);
if (typed.length > 0) {
    const dir = join(here, ".check");
    mkdirSync(dir, { recursive: true });
    const source = join(dir, "resources.ts");
    let text = "";
    const starts = [];
    typed.forEach((r, i) => {
        starts.push(text.split("\n").length - 1);
        text += `import type { I${r.body.kind} as T${i} } from "${r.module}/${r.body.kind}";\n`;
        text += `export const r${i}: T${i} = ${JSON.stringify(r.body, null, 1)};\n`;
    });
    writeFileSync(source, text);
    const program = ts.createProgram([source], {
        noEmit: true,
        strict: true,
        skipLibCheck: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    for (const d of ts.getPreEmitDiagnostics(program)) {
        const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
        if (!d.file || d.start === undefined) {
            typed[0].errors.push(message);
            continue;
        }
        const line = d.file.getLineAndCharacterOfPosition(d.start).line;
        let index = 0;
        while (index + 1 < starts.length && starts[index + 1] <= line) {
            index++;
        }
        typed[index].errors.push(message);
    }
    rmSync(dir, { recursive: true, force: true });
}

let passed = 0;
let failed = 0;
for (const r of resources) {
    if (r.errors.length === 0) {
        passed++;
        console.log(`ok    ${r.name} (${r.file})`);
    } else {
        failed++;
        console.log(`FAIL  ${r.name} (${r.file}): ${r.errors.join("; ")}`);
    }
}
console.log(`counts: ${passed} ${failed}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
