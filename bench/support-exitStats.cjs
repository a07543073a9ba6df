// Preloaded into benchmarked CLI runs (node -r): prints the process's peak RSS and CPU time at exit.
process.on('exit', () => {
  const r = process.resourceUsage();
  require('node:fs').writeSync(2, `\nSWITCHYARD_BENCH_STATS ${JSON.stringify({ maxRssKb: r.maxRSS, cpuMs: Math.round((r.userCPUTime + r.systemCPUTime) / 1000) })}\n`);
});
