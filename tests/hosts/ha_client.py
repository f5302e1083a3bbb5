"""Plays Home Assistant's part against a running `voice-triage serve --wyoming` (run as a script: the test
process may hold voice-triage's network guard, which refuses every connect).

    python ha_client.py PORT conversation ID ANSWER...   describe, then one connection per transcript
    python ha_client.py PORT raw HEX                      send raw bytes, print the replies
    python ha_client.py PORT many N                       N conversations at once, each started and answered
    python ha_client.py PORT talk ID                      describe, then one transcript per line of stdin

Prints one JSON object per line: {"type": ..., "data": ...} for each reply.
"""

from __future__ import annotations

import asyncio
import json
import sys

from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe

HOST = "127.0.0.1"


async def one(port: int, event) -> dict:
    async with AsyncTcpClient(HOST, port) as client:
        await client.write_event(event)
        reply = await asyncio.wait_for(client.read_event(), 20)
    return {"type": reply.type, "data": reply.data} if reply is not None else {"type": None}


async def conversation(port: int, cid: str, answers: list[str]) -> None:
    print(json.dumps(await one(port, Describe().event())), flush=True)
    for text in answers:
        event = Transcript(text, context={"conversation_id": cid}, language="en").event()
        print(json.dumps(await one(port, event)), flush=True)


async def talk(port: int, cid: str) -> None:
    print(json.dumps(await one(port, Describe().event())), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        event = Transcript(line.rstrip("\n"), context={"conversation_id": cid}, language="en").event()
        print(json.dumps(await one(port, event)), flush=True)


async def raw(port: int, data: bytes) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(data)
    await writer.drain()
    if writer.can_write_eof():
        writer.write_eof()
    while True:
        line = await asyncio.wait_for(reader.readline(), 20)
        if not line:
            break
        header = json.loads(line)
        data_ = json.loads(await reader.readexactly(header["data_length"])) if header.get("data_length") else {}
        print(json.dumps({"type": header["type"], "data": data_}), flush=True)
    writer.close()


async def many(port: int, n: int) -> None:
    async def run(i: int) -> list[dict]:
        cid = f"many-{i}"
        first = await one(port, Transcript("bleeding after sex", context={"conversation_id": cid}).event())
        second = await one(port, Transcript("just a few drops", context={"conversation_id": cid}).event())
        return [first, second]

    for pair in await asyncio.gather(*(run(i) for i in range(n))):
        print(json.dumps(pair), flush=True)


def main() -> None:
    port, mode, *rest = sys.argv[1:]
    if mode == "conversation":
        asyncio.run(conversation(int(port), rest[0], rest[1:]))
    elif mode == "raw":
        asyncio.run(raw(int(port), bytes.fromhex(rest[0])))
    elif mode == "talk":
        asyncio.run(talk(int(port), rest[0]))
    elif mode == "many":
        asyncio.run(many(int(port), int(rest[0])))


if __name__ == "__main__":
    main()
