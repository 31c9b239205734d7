"""application/json for plain values: what the engine turns into PowerShell objects (.Value) beside the text."""
import sys

JSON_LIMIT = 1 << 20   # a value whose JSON is larger is shown as text only
NOT_PLAIN = object()


def plain_data(value, depth=0):
    """The value as JSON data when it is plain data (dict, list, tuple, str, numbers, bool, None; pandas frames as
    records), else NOT_PLAIN."""
    if depth > 32:
        return NOT_PLAIN
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else NOT_PLAIN
    if isinstance(value, (list, tuple)):
        items = [plain_data(item, depth + 1) for item in value]
        return NOT_PLAIN if any(item is NOT_PLAIN for item in items) else items
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return NOT_PLAIN
        items = {key: plain_data(item, depth + 1) for key, item in value.items()}
        return NOT_PLAIN if any(item is NOT_PLAIN for item in items.values()) else items
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series)):
        return pandas_data(pandas, value)
    return NOT_PLAIN


def pandas_data(pandas, value):
    """A DataFrame as records (a list of row objects; an index of its own, as after groupby, becomes columns first);
    a Series as a list, or as an object keyed by its index when it has one of its own."""
    import json
    own_index = not (isinstance(value.index, pandas.RangeIndex) and value.index.start == 0 and value.index.step == 1)
    try:
        if isinstance(value, pandas.DataFrame):
            text = (value.reset_index() if own_index else value).to_json(orient="records", date_format="iso")
        else:
            text = value.to_json(orient="index" if own_index else "records", date_format="iso")
        return json.loads(text)
    except (ValueError, TypeError, OverflowError):
        return NOT_PLAIN


def json_of(value):
    """application/json for a plain value within JSON_LIMIT, else None."""
    import json
    data = plain_data(value)
    if data is NOT_PLAIN:
        return None
    try:
        size = len(json.dumps(data, ensure_ascii=False, allow_nan=False))
    except (ValueError, RecursionError):
        return None
    return data if size <= JSON_LIMIT else None
