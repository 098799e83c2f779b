#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to build/ by `npm run build` (run by npm test / npm start), which
// also bundles it into build/wmbus-cli.mjs (host/bundle-cli.mjs: faster start-up). The bundle is used only when
// it is at least as new as the compiled module, so a plain `tsc` run is never shadowed by an old bundle.
import { existsSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "build/host/cli.js");
const bundle = join(root, "build/wmbus-cli.mjs");
if (!existsSync(cli)) execFileSync("npx", ["tsc", "-p", join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(cli).mtimeMs;
const { main } = await import(pathToFileURL(fresh ? bundle : cli).href);
process.exitCode = await main(process.argv.slice(2));
