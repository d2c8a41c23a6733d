"""`contentguard serve` over HTTP on the loopback: latency of one check and checks per second.

    python benchmarks/bench_serve.py [--requests 3000] [--seconds 20] [--concurrency 32] [--client httpx|wrk]

Starts the real command (`contentguard serve`, shipped packs, access log on as in production) on a
free loopback port, and prints:

1. latency: one POST /v1/check of a 200-character post at a time over one keep-alive connection,
   median / p90 / p99 after a warm-up, interleaved in rounds with `guard.check()` of the same post
   in this process (what HTTP adds);
2. throughput with 1 and 2 workers: POST /v1/check of the same post from `--concurrency` keep-alive
   connections, bounded by `--requests` and `--seconds`, loopback only. The load generator is an
   httpx async client in this process (`--client httpx`, the default) or Debian's `wrk`
   (`--client wrk`, `apt-get install wrk`). Both share the machine's cores with the server.

Figures, not pass/fail: the targets (<= 5 ms median, >= 500 checks/s with 2 workers) live in the issue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
# A 200-character company post: a product launch with an absolute claim and a contact, as a CMS sends it.
POST = ("新品发布：我们的智能保温杯今天正式上市，采用双层真空结构，保温十二小时，容量五百毫升，"
        "适合通勤、旅行和办公室使用。首发期间全网最低价，前一百名下单的用户赠送杯套一个。"
        "产品通过国家质量检测，售后服务三十天无理由退换。如有疑问请在评论区留言，客服会在工作时间内回复。"
        "感谢大家一直以来的支持，欢迎转发给需要的朋友，也欢迎到门店试用体验，我们期待您的反馈和建议。"
        "活动时间以页面公告为准，最终解释权归本司所有。")


assert len(POST) == 200, len(POST)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "CONTENTGUARD_TOKEN": ""}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    process = subprocess.Popen([sys.executable, "-c", "from contentguard.cli import main; main()", "serve",
                                "--port", str(port), "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                # Every worker warms up at its start; give the slower one its moment too.
                time.sleep(2 if workers > 1 else 0)
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    sys.exit("bench_serve: the server did not start within 180 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=60)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency(url: str, rounds: int, per_round: int) -> None:
    import contentguard

    guard = contentguard.load()
    guard.check(POST)
    body = json.dumps({"text": POST}, ensure_ascii=False).encode()
    http_times: list[float] = []
    local_times: list[float] = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(200):  # warm-up: connection, threads, caches
            client.post("/v1/check", content=body, headers={"content-type": "application/json"})
        for _ in range(rounds):
            for _ in range(per_round):
                started = time.perf_counter()
                response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
                http_times.append(time.perf_counter() - started)
                assert response.status_code == 200
            for _ in range(per_round):
                started = time.perf_counter()
                guard.check(POST)
                local_times.append(time.perf_counter() - started)
    findings = len(guard.check(POST).findings)
    print(f"post: {len(POST)} characters, {findings} finding(s)")
    for name, times in (("HTTP POST /v1/check", http_times), ("guard.check() in process", local_times)):
        print(f"  {name:<26} median {statistics.median(times) * 1000:6.2f} ms   p90 "
              f"{percentile(times, 0.9) * 1000:6.2f} ms   p99 {percentile(times, 0.99) * 1000:6.2f} ms   "
              f"({len(times)} calls)")


async def _load_httpx(url: str, requests: int, seconds: float, concurrency: int) -> tuple[int, int, float]:
    body = json.dumps({"text": POST}, ensure_ascii=False).encode()
    headers = {"content-type": "application/json"}
    done = errors = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # open the connections before the clock starts
            await client.get("/healthz")
        remaining = requests

        async def worker() -> None:
            nonlocal done, errors, remaining
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                response = await client.post("/v1/check", content=body, headers=headers)
                if response.status_code == 200:
                    done += 1
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return done, errors, elapsed


def load_wrk(url: str, seconds: float, concurrency: int) -> tuple[int, int, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("bench_serve: --client wrk needs Debian's wrk (apt-get install wrk)")
    body = json.dumps({"text": POST}, ensure_ascii=False)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     f"wrk.body = [==[{body}]==]\n"
                     "done = function(summary, latency, requests)\n"
                     '  io.write(string.format("RESULT %.0f %.0f %.0f %.0f\\n", summary.requests, summary.duration,\n'
                     "    summary.errors.status + summary.errors.connect + summary.errors.read + "
                     "summary.errors.write + summary.errors.timeout, latency:percentile(50)))\nend\n")
    try:
        result = subprocess.run([wrk, "-t2", f"-c{concurrency}", f"-d{int(seconds)}s", "-s", script.name,
                                 f"{url}/v1/check"], capture_output=True, text=True, check=True)
    finally:
        Path(script.name).unlink()
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT")]
    if not lines:
        sys.exit(f"bench_serve: wrk gave no result:\n{result.stdout}\n{result.stderr}")
    line = lines[0]
    total, micros, errors, _ = (int(x) for x in line.split()[1:])
    return total - errors, errors, micros / 1e6


def throughput(url: str, args: argparse.Namespace) -> tuple[int, int, float]:
    if args.client == "wrk":
        return load_wrk(url, args.seconds, args.concurrency)
    return asyncio.run(_load_httpx(url, args.requests, args.seconds, args.concurrency))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="Most checks sent per throughput run.")
    parser.add_argument("--seconds", type=float, default=20, help="Longest a throughput run lasts.")
    parser.add_argument("--concurrency", type=int, default=32, help="Connections of the load generator.")
    parser.add_argument("--client", choices=("httpx", "wrk"), default="httpx")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=200)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  load generator: {args.client}, {args.concurrency} connections, "
          f"at most {args.requests} requests / {args.seconds:g} s, loopback")

    process, url = start(1)
    try:
        latency(url, args.rounds, args.per_round)
        done, errors, elapsed = throughput(url, args)
        print(f"throughput, 1 worker:  {done / elapsed:7.0f} checks/s  ({done} in {elapsed:.1f} s, {errors} errors)")
    finally:
        stop(process)
    process, url = start(2)
    try:
        done, errors, elapsed = throughput(url, args)
        print(f"throughput, 2 workers: {done / elapsed:7.0f} checks/s  ({done} in {elapsed:.1f} s, {errors} errors)")
    finally:
        stop(process)


if __name__ == "__main__":
    main()
