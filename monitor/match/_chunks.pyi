from collections.abc import Callable

MAX_PROBES: int

class Chunks:
    def __init__(
        self,
        fn: Callable[[str], tuple[str, str]],
        pinned: dict[str, tuple[str, str]],
        digits: tuple[str, str] | None,
        limit: int,
        seed: int,
        /,
    ) -> None: ...
    def scan(
        self, texts: tuple[str, ...], sep: str, /
    ) -> tuple[list[str], str, str, bytes, bytes]: ...
    def __len__(self) -> int: ...
