"""``sprite.jpg`` + ``sprite.json``: the small pictures the timeline shows when scrubbing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import av
from av.video.frame import VideoFrame
from PIL import Image

from attune.films.media.contract import Output, PipelineContext, Step
from attune.films.media.errors import MediaError
from attune.films.media.steps.playable import frame_seconds, open_output, require_film

SPRITE = Output(
    attr="sprite_path",
    field="sprite",
    kind="sprite",
    content_type="image/jpeg",
    filename="sprite.jpg",
)
SPRITE_INDEX = Output(
    attr="sprite_json_path",
    field="sprite_index",
    kind="sprite_index",
    content_type="application/json",
    filename="sprite.json",
)
SPRITE_TILE_WIDTH = 160
SPRITE_COLUMNS = 10
SPRITE_MAX_TILES = 100
SPRITE_MIN_INTERVAL = 2.0


def sprite_layout(duration: float) -> tuple[float, int]:
    """Seconds between sprite tiles and the number of tiles for a film."""
    interval = max(SPRITE_MIN_INTERVAL, duration / SPRITE_MAX_TILES)
    count = max(1, math.ceil(duration / interval - 1e-6))
    return round(interval, 3), min(count, SPRITE_MAX_TILES)


class Sprite(Step):
    """``sprite.jpg`` + ``sprite.json``: a grid of small pictures used when scrubbing.

    Only key frames are decoded (fast); when the film has too few key frames for the tile
    interval (some cameras write one every 10 s or more), every frame is decoded instead.
    """

    name = "sprite"
    weight = 0.2
    outputs = (SPRITE, SPRITE_INDEX)

    def run(self, ctx: PipelineContext) -> None:
        film = require_film(ctx)
        interval, count = sprite_layout(ctx.duration)
        times = [round(i * interval, 3) for i in range(count)]
        tile_w = SPRITE_TILE_WIDTH
        tile_h = max(2, round(tile_w * ctx.height / max(ctx.width, 1)))
        try:
            tiles = self._pick(film, times, interval, (tile_w, tile_h), ctx, keyframes_only=True)
            if tiles is None:
                ctx.report(0.0)
                tiles = self._pick(
                    film, times, interval, (tile_w, tile_h), ctx, keyframes_only=False
                )
        except av.FFmpegError as exc:
            raise MediaError(f"Cannot make the thumbnail sprite: {exc}") from exc
        if tiles is None or all(tile is None for tile in tiles):
            raise MediaError("The converted film has no decodable picture for the sprite.")
        columns = min(SPRITE_COLUMNS, count)
        rows = math.ceil(count / columns)
        sheet = Image.new("RGB", (columns * tile_w, rows * tile_h), (0, 0, 0))
        for i, tile in enumerate(tiles):
            if tile is not None:
                sheet.paste(tile, ((i % columns) * tile_w, (i // columns) * tile_h))
        image_path = ctx.path_for(SPRITE)
        sheet.save(image_path, "JPEG", quality=70, optimize=True)
        meta = {
            "interval": interval,
            "tile_width": tile_w,
            "tile_height": tile_h,
            "columns": columns,
            "rows": rows,
            "count": count,
            "times": times,
        }
        json_path = ctx.path_for(SPRITE_INDEX)
        json_path.write_text(json.dumps(meta, separators=(",", ":")), encoding="utf-8")
        ctx.made(SPRITE)
        ctx.made(SPRITE_INDEX)
        ctx.report(1.0)

    @staticmethod
    def _pick(
        film: Path,
        times: list[float],
        interval: float,
        tile_size: tuple[int, int],
        ctx: PipelineContext,
        *,
        keyframes_only: bool,
    ) -> list[Image.Image | None] | None:
        """For each tile time take the nearest decoded picture (frames arrive in time order).

        Returns None in key-frame mode when key frames are too sparse for the interval.
        """
        tiles: list[Image.Image | None] = [None] * len(times)
        worst_gap = 0.0
        cache: tuple[VideoFrame, Image.Image] | None = None

        def thumb(frame: VideoFrame) -> Image.Image:
            nonlocal cache
            if cache is None or cache[0] is not frame:
                small = frame.reformat(width=tile_size[0], height=tile_size[1], format="rgb24")
                cache = (frame, small.to_image())
            return cache[1]

        duration = max(ctx.duration, 1e-3)
        index = 0
        previous: tuple[VideoFrame, float] | None = None
        with open_output(film) as container:
            video = container.streams.video[0]
            video.codec_context.thread_type = "AUTO"
            # Key frames only when they are dense enough; otherwise skip just the frames
            # nothing else depends on (B-frames), which is still correct for thumbnails.
            video.codec_context.skip_frame = "NONKEY" if keyframes_only else "NONREF"
            for frame in container.decode(video):
                t = frame_seconds(frame)
                while index < len(times) and t >= times[index]:
                    target = times[index]
                    if previous is not None and target - previous[1] < t - target:
                        tiles[index] = thumb(previous[0])
                        worst_gap = max(worst_gap, target - previous[1])
                    else:
                        tiles[index] = thumb(frame)
                        worst_gap = max(worst_gap, t - target)
                    index += 1
                previous = (frame, t)
                ctx.report(min(0.95, t / duration))
                if index >= len(times):
                    break
        if previous is not None:
            while index < len(times):
                tiles[index] = thumb(previous[0])
                worst_gap = max(worst_gap, times[index] - previous[1])
                index += 1
        if keyframes_only and worst_gap > interval / 2 + 1e-3:
            return None
        return tiles
