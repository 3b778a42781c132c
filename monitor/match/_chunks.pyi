from collections.abc import Mapping

def scan(
    memo: Mapping[str, tuple[str, str]],
    texts: tuple[str, ...],
    sep: str,
    digits: tuple[str, str] | None = None,
    /,
) -> tuple[list[str], list[str], list[str]]: ...
