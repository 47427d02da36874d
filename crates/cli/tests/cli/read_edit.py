"""Reads an edit (.otio, .fcpxml or .edl) with OpenTimelineIO and its adapters, which
are written independently of Seedance Studio, and prints what they understood as JSON:
the timeline's name and each track's clips and transitions, times in seconds."""

import json
import sys

import opentimelineio as otio


def seconds(t):
    return round(t.to_seconds(), 6)


def main(path):
    kwargs = {"rate": 24} if path.endswith(".edl") else {}
    timeline = otio.adapters.read_from_file(path, **kwargs)
    if not isinstance(timeline, otio.schema.Timeline):
        # FCPXML's library holds events of projects: a collection of timelines.
        timelines = [t for t in timeline if isinstance(t, otio.schema.Timeline)]
        if len(timelines) != 1:
            sys.exit(f"{path} holds {len(timelines)} timelines, not one")
        timeline = timelines[0]
    tracks = []
    for track in timeline.tracks:
        items = []
        for item in track:
            if isinstance(item, otio.schema.Transition):
                items.append({
                    "type": "transition",
                    "transition_type": item.transition_type,
                    "in_offset": seconds(item.in_offset),
                    "out_offset": seconds(item.out_offset),
                })
            elif isinstance(item, otio.schema.Clip):
                ref = item.media_reference
                items.append({
                    "type": "clip",
                    "name": item.name,
                    "target_url": getattr(ref, "target_url", None),
                    "start": seconds(item.source_range.start_time),
                    "duration": seconds(item.source_range.duration),
                })
            else:
                items.append({"type": type(item).__name__.lower(),
                              "duration": seconds(item.duration())})
        tracks.append({"kind": track.kind, "items": items})
    print(json.dumps({
        "name": timeline.name,
        "duration": seconds(timeline.duration()),
        "tracks": tracks,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
