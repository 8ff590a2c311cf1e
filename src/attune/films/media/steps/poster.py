"""``poster.jpg``: the picture shown before the film plays."""

from __future__ import annotations

import av
from av.video.frame import VideoFrame
from PIL import Image

from attune.films.media.contract import Output, PipelineContext, Step
from attune.films.media.errors import MediaError
from attune.films.media.steps.playable import frame_seconds, open_output, require_film

POSTER = Output(
    attr="poster_path",
    field="poster",
    kind="poster",
    content_type="image/jpeg",
    filename="poster.jpg",
)
POSTER_MAX_WIDTH = 640


class Poster(Step):
    """``poster.jpg``: the picture at about 10% of the film, at most 640 px wide."""

    name = "poster"
    weight = 0.05
    outputs = (POSTER,)
    # Never decode more than this many seconds past the seek point looking for the target.
    max_decode_s = 10.0

    def run(self, ctx: PipelineContext) -> None:
        film = require_film(ctx)
        target = 0.1 * ctx.duration
        chosen: VideoFrame | None = None
        try:
            with open_output(film) as container:
                video = container.streams.video[0]
                video.codec_context.thread_type = "AUTO"
                if target > 0 and video.time_base:
                    container.seek(int(target / video.time_base), stream=video, backward=True)
                start: float | None = None
                for frame in container.decode(video):
                    t = frame_seconds(frame)
                    start = t if start is None else start
                    chosen = frame
                    if t >= target - 1e-3 or t - start > self.max_decode_s:
                        break
                if chosen is None:
                    raise MediaError("The converted film has no decodable picture.")
                image = chosen.to_image()
        except av.FFmpegError as exc:
            raise MediaError(f"Cannot make the poster: {exc}") from exc
        if image.width > POSTER_MAX_WIDTH:
            new_height = max(1, round(image.height * POSTER_MAX_WIDTH / image.width))
            image = image.resize((POSTER_MAX_WIDTH, new_height), Image.Resampling.LANCZOS)
        path = ctx.path_for(POSTER)
        image.convert("RGB").save(path, "JPEG", quality=85, optimize=True)
        ctx.made(POSTER)
        ctx.report(1.0)
