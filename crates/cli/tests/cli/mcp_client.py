"""A real MCP client (the official Python SDK) driving `seedance mcp` over stdio.

Usage: mcp_client.py SEEDANCE_BIN MAX_CREDITS render
       mcp_client.py SEEDANCE_BIN MAX_CREDITS project STORYBOARD OUT_DIR
       mcp_client.py SEEDANCE_BIN MAX_CREDITS retry
The environment (data folder, emulator URL, key) is passed to the server. Prints one JSON
transcript of what the server answered; the Rust test asserts on it and on the emulator's
ledger.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client


def dump(result):
    return {
        "is_error": bool(result.is_error),
        "structured": result.structured_content,
        "text": [c.text for c in result.content if getattr(c, "type", "") == "text"],
        "links": [str(c.uri) for c in result.content if getattr(c, "type", "") == "resource_link"],
    }


async def render(session, out):
    """One render: estimated, refused, generated, waited for, found, read."""
    tools = await session.list_tools()
    out["tools"] = {t.name: t.input_schema for t in tools.tools}
    request = {
        "prompt": "a paper lantern drifting over a night river, slow dolly-in",
        "quality_tier": "standard",
        "duration": "4",
        "aspect_ratio": "9:16",
    }
    out["estimate"] = dump(await session.call_tool("estimate", request))
    out["invalid"] = dump(
        await session.call_tool(
            "generate",
            {"prompt": "x", "mode": "text-to-movie", "duration": 8, "tier": "pro"},
        )
    )
    out["too_dear"] = dump(
        await session.call_tool(
            "generate", dict(request, quality_tier="pro", resolution="1080p", duration="15")
        )
    )
    generated = await session.call_tool("generate", dict(request, submission_id="lantern-1"))
    out["generate"] = dump(generated)
    again = await session.call_tool("generate", dict(request, submission_id="lantern-1"))
    out["generate_again"] = dump(again)
    job_id = generated.structured_content["job_id"]

    # A wait the client gives up on leaves the job running.
    try:
        await session.call_tool("wait", {"job_id": job_id}, read_timeout_seconds=0.5)
        out["cancelled_wait"] = "answered"
    except Exception as e:  # the SDK's timeout
        out["cancelled_wait"] = type(e).__name__

    progress = []

    async def on_progress(done, total, message):
        progress.append(message)

    waits = []
    for _ in range(20):
        result = await session.call_tool(
            "wait", {"job_id": job_id, "timeout_s": 25}, progress_callback=on_progress
        )
        waits.append(dump(result))
        if result.structured_content["status"] not in (
            "queued", "submitting", "processing", "downloading"
        ):
            break
    out["waits"] = waits
    out["progress"] = progress
    out["status"] = dump(await session.call_tool("status", {"job_id": job_id}))
    out["show"] = dump(await session.call_tool("show", {"job_id": job_id}))
    out["search"] = dump(
        await session.call_tool(
            "search", {"query": "lantern", "status": "ready", "since": "2000-01-01"}
        )
    )
    out["search_bad"] = dump(
        await session.call_tool("search", {"since": "yesterday", "limit": 0})
    )
    resources = await session.list_resources()
    out["resources"] = [
        {"uri": str(r.uri), "mime": r.mime_type} for r in resources.resources
    ]
    video = next(r for r in resources.resources if r.mime_type == "video/mp4")
    read = await session.read_resource(video.uri)
    out["video_bytes"] = len(read.contents[0].blob)
    try:
        await session.read_resource("file:///etc/passwd")
        out["outside"] = "read"
    except Exception as e:
        out["outside"] = str(e)
    prompt = await session.get_prompt("director", {"idea": "a fox at dawn"})
    out["director"] = prompt.messages[0].content.text


async def project(session, out, board, out_dir):
    """A storyboard imported, estimated, refused above the allowance, rendered, a take
    picked and the cut assembled with its edit."""
    call = session.call_tool
    out["import"] = dump(await call("project_import", {"file": board}))
    out["import_again"] = dump(await call("project_import", {"file": board}))
    out["estimate"] = dump(await call("estimate", {"project": "Pier", "takes": 2}))
    out["estimate_both"] = dump(
        await call("estimate", {"project": "Pier", "prompt": "a pier", "takes": 0})
    )
    out["too_dear"] = dump(await call("project_render", {"project": "Pier", "takes": 2}))
    out["render"] = dump(await call("project_render", {"project": "Pier"}))
    shown = None
    for _ in range(240):
        shown = await call("project_show", {"project": "Pier"})
        shots = shown.structured_content["shots"]
        if all(s["status"] in ("ready", "failed") for s in shots):
            break
        await asyncio.sleep(0.5)
    out["shown"] = dump(shown)
    first = shown.structured_content["shots"][0]["takes"][0]["job_id"]
    out["select"] = dump(await call("project_select", {"project": "Pier", "shot": 1, "job_id": first}))
    out["select_bad"] = dump(
        await call("project_select", {"project": "Pier", "shot": 9, "job_id": first})
    )
    progress = []

    async def on_progress(done, total, message):
        progress.append([done, total])

    out["assemble"] = dump(
        await call(
            "project_assemble",
            {
                "project": "Pier",
                "out": os.path.join(out_dir, "pier.mp4"),
                "otio": os.path.join(out_dir, "pier.otio"),
            },
            progress_callback=on_progress,
        )
    )
    out["assemble_progress"] = progress
    out["search"] = dump(await call("search", {"project": "Pier"}))


async def until_final(session, job_id):
    """The job once it is ready, failed or needs a person (waiting as often as it takes)."""
    for _ in range(20):
        result = await session.call_tool("wait", {"job_id": job_id, "timeout_s": 25})
        if result.structured_content["status"] not in (
            "queued", "submitting", "processing", "downloading"
        ):
            return result
    raise RuntimeError(f"{job_id} never finished")


async def retry(session, out):
    """A render that fails, retried within the allowance until it is spent."""
    request = {"prompt": "a glass of water on a windowsill, static shot", "duration": "4"}
    first = await session.call_tool("generate", request)
    out["failed"] = dump(await until_final(session, first.structured_content["job_id"]))
    out["retry_ready_job"] = dump(await session.call_tool("retry", {"job_id": "j-nope"}))
    retried = await session.call_tool("retry", {"job_id": first.structured_content["job_id"]})
    out["retried"] = dump(retried)
    out["retried_final"] = dump(await until_final(session, retried.structured_content["job_id"]))
    out["retry_again"] = dump(
        await session.call_tool("retry", {"job_id": retried.structured_content["job_id"]})
    )
    out["estimate"] = dump(await session.call_tool("estimate", request))


async def main(binary, max_credits, scenario, *rest):
    params = StdioServerParameters(
        command=binary, args=["mcp", "--max-credits", max_credits], env=dict(os.environ)
    )
    out = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await {"render": render, "project": project, "retry": retry}[scenario](session, out, *rest)
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
