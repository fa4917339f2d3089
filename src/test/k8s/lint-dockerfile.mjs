// Lints a Dockerfile with dockerfile-utils (the validator behind editors' Dockerfile support): unknown
// instructions, missing or malformed arguments, bad flags, ENTRYPOINT/CMD/HEALTHCHECK misuse. Output: one line
// per finding, "<severity 1=error 2=warning> <line>: <message>"; nothing for a clean file.
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

for (const d of validate(readFileSync(process.argv[2], 'utf8'))) {
  console.log(`${d.severity} ${d.range.start.line + 1}: ${d.message}`);
}
