// The reference for P1: the bench's own ceiling. A bare keep-alive client (node:http, no predictd,
// no Kafka) keeps <in flight> chat requests on the emulator until <requests> were answered, and
// prints the answers per second between the first answer and the last.
// Usage: tsx bench/raw-http-loop.ts <url> <api key> <requests> <in flight>
import { Agent, request } from 'node:http';

const [url, apiKey, requestsArg, inFlightArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const inFlight = Number(inFlightArg);
if (!url || !apiKey || !(requests > 1) || !(inFlight > 0)) throw new Error('usage: raw-http-loop <url> <api key> <requests> <in flight>');

const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'a bench row' }] });
const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };

function post(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url!, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString()}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let started = 0;
let answered = 0;
let first = 0;
let last = 0;
async function slot(): Promise<void> {
  while (started < requests) {
    started++;
    await post();
    last = performance.now();
    if (answered++ === 0) first = last;
  }
}
await Promise.all(Array.from({ length: inFlight }, slot));
agent.destroy();
console.log(JSON.stringify({ answers: answered, seconds: (last - first) / 1000, answersPerSecond: (answered - 1) / ((last - first) / 1000) }));
