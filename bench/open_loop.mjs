// Open-loop HTTP load: requests start at a fixed rate whatever the server's speed (like real users), each
// with a random session cookie from .local/bench-sessions.txt (bench/dashboard_load.py prepare).
// Node's event loop costs a fraction of a core at 400 req/s, where the Python generator needed a whole one
// at 100 req/s and starved the 2-core server it measured.
//   node bench/open_loop.mjs http://127.0.0.1:8765/peserta/ 400 60
import fs from "node:fs";
import http from "node:http";

const [url, rate = "100", seconds = "60"] = process.argv.slice(2);
const cookies = fs.readFileSync(new URL("../.local/bench-sessions.txt", import.meta.url), "utf8").split(/\s+/).filter(Boolean);
// No socket limit: a request waiting in the client for a free socket would not be "open loop".
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const total = Math.round(Number(rate) * Number(seconds));
const latencies = [];
const latenciesByCode = {};
const codes = {};
let started = 0;
let finished = 0;
const t0 = performance.now();

function fire() {
  const begin = performance.now();
  const cookie = cookies[Math.floor(Math.random() * cookies.length)];
  const request = http.get(url, { agent, headers: { Cookie: cookie }, timeout: 10000 }, (response) => {
    response.resume();
    response.on("end", () => done(String(response.statusCode), begin));
  });
  request.on("timeout", () => request.destroy(new Error("timeout")));
  request.on("error", (error) => done(`error:${error.message}`, begin));
}

function done(code, begin) {
  const latency = performance.now() - begin;
  latencies.push(latency);
  (latenciesByCode[code] ||= []).push(latency);
  codes[code] = (codes[code] || 0) + 1;
  if (++finished === total) report();  // every request ends exactly once: response end, or error (incl. timeout)
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

function report() {
  const wall = (performance.now() - t0) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  console.log(`${total} requests at ${rate}/s for ${seconds} s (finished in ${wall.toFixed(1)} s)`);
  console.log(`latency ms: p50 ${pct(sorted, 50)}  p90 ${pct(sorted, 90)}  p95 ${pct(sorted, 95)}  p99 ${pct(sorted, 99)}  max ${sorted.at(-1).toFixed(1)}`);
  console.log(`answers: ${JSON.stringify(codes)}`);
  for (const [code, values] of Object.entries(latenciesByCode)) {
    const byCode = values.sort((a, b) => a - b);
    console.log(`  ${code}: p50 ${pct(byCode, 50)}  p95 ${pct(byCode, 95)}  max ${byCode.at(-1).toFixed(1)} ms`);
  }
  agent.destroy();
}

// One tick per 5 ms; each tick starts the requests that are due by now, so a late tick catches up.
const timer = setInterval(() => {
  const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * Number(rate)));
  while (started < due) {
    started++;
    fire();
  }
  if (started >= total) clearInterval(timer);
}, 5);
