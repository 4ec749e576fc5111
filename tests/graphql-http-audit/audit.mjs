// Runs every server audit of the GraphQL over HTTP specification (graphql-http) against the
// URL given and prints one JSON line per audit; exits 1 when any is not "ok".
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
let failing = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  if (result.status !== 'ok') failing += 1;
  console.log(JSON.stringify({ id: audit.id, name: audit.name, status: result.status, reason: result.reason }));
}
process.exit(failing === 0 ? 0 : 1);
