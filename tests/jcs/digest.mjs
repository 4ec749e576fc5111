// Reads a JSON document on standard input and prints its RFC 8785 canonical form's SHA-256 in
// hex, then the canonical form itself on the next line: what an auditor holding a snapshot does.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
const canonical = canonicalize(JSON.parse(text));
const digest = createHash("sha256").update(canonical, "utf8").digest("hex");
process.stdout.write(`${digest}\n${canonical}\n`);
