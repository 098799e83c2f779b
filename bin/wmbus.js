#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to build/ by `npm run build` (run by npm test / npm start).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "build/host/cli.js");
if (!existsSync(cli)) execFileSync("npx", ["tsc", "-p", join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));
