"""Type stubs for binmap.dask."""

import os
from typing import Any, List, Optional, Sequence, Tuple, Union

Paths = Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]]
DEFAULT_BLOCKSIZE: int

def partitions(
    paths: Paths, layout: Any, path: str = "records", blocksize: int = ...
) -> List[Tuple[str, int, int]]: ...
def read(
    paths: Paths,
    layout: Any,
    path: str = "records",
    blocksize: int = ...,
    columns: Optional[Sequence[str]] = None,
) -> Any: ...
def array(paths: Paths, layout: Any, path: str = "data", blocksize: int = ...) -> Any: ...
