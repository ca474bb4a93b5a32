"""What the SQL sandbox lets a query call and read: allow-lists, never deny-lists.

A function is allowed when it computes on values and nothing else: aggregates, window
functions, math, strings, dates, casts, JSON and lists. Anything not named here is refused,
so a function that a future DuckDB or PostgreSQL adds (or one that reads files, runs SQL
text, changes settings or signals other sessions) stays out until someone adds it here on
purpose.

Two spellings are listed:
- ``ALLOWED_NAMES``: names as a person writes them (and as DuckDB's own parser reports
  them); a name sqlglot does not know arrives as ``exp.Anonymous`` and is checked here.
- ``ALLOWED_CLASSES``: sqlglot expression classes, for the calls sqlglot recognises and
  turns into a typed node (``date_trunc`` -> ``TimestampTrunc``, ``range`` ->
  ``GenerateSeries``). Each class is one value-level operation whatever the dialect.
"""

from __future__ import annotations

_AGGREGATES = """
count count_star sum avg mean min max stddev stddev_pop stddev_samp variance var_pop var_samp
median mode quantile quantile_cont quantile_disc percentile_cont percentile_disc
approx_quantile approx_count_distinct string_agg group_concat listagg array_agg list
arg_max arg_min argmax argmin max_by min_by first last any_value arbitrary bool_and bool_or
every corr covar_pop covar_samp regr_slope regr_intercept regr_r2 regr_count regr_avgx
regr_avgy regr_sxx regr_syy regr_sxy count_if countif product fsum sumkahan kahan_sum favg
kurtosis kurtosis_pop skewness entropy histogram bit_and bit_or bit_xor json_agg jsonb_agg
json_object_agg jsonb_object_agg json_group_array json_group_object sem mad
"""
_WINDOW = """
row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value
nth_value
"""
_MATH = """
abs ceil ceiling floor round trunc sign sqrt cbrt exp ln log log10 log2 pow power mod
greatest least pi degrees radians sin cos tan asin acos atan atan2 cot sinh cosh tanh
isnan isinf isfinite factorial gcd lcm even width_bucket div random round_even signbit
gamma lgamma bit_count add subtract multiply divide fdiv fmod
"""
_STRINGS = """
lower upper lcase ucase length char_length character_length octet_length bit_length strlen
substring substr position strpos instr left right lpad rpad trim ltrim rtrim btrim replace
reverse repeat concat concat_ws split_part string_split str_split string_split_regex
string_to_array regexp_split_to_array regexp_replace regexp_matches regexp_extract
regexp_extract_all regexp_full_match regexp_like regexp_match regexp_count regexp_substr
starts_with ends_with contains prefix suffix initcap format printf md5 sha256 sha1 hash
ascii chr translate to_hex hex unhex levenshtein jaro_winkler_similarity jaccard
damerau_levenshtein hamming array_to_string like_escape split unicode ord strip_accents
overlay nfc_normalize concat_ws lower upper
"""
_DATES = """
now current_date current_timestamp current_time localtime localtimestamp date_trunc
datetrunc date_part datepart extract date_diff datediff date_sub date_add age epoch
epoch_ms epoch_us epoch_ns to_timestamp make_date make_timestamp make_time make_interval
to_char to_date to_number strftime strptime try_strptime time_bucket date_bin year month
day hour minute second millisecond microsecond dayofweek dayofyear dayofmonth week
weekofyear weekday quarter isodow isoyear yearweek era decade century millennium
justify_days justify_hours justify_interval last_day dayname monthname timezone to_days
to_hours to_minutes to_seconds to_milliseconds to_microseconds to_years to_months to_weeks
date timestamp time clock_timestamp statement_timestamp transaction_timestamp today
"""
_CONDITIONALS = "coalesce nullif ifnull nvl if iff nvl2 try_cast typeof pg_typeof"
_JSON = """
json_extract json_extract_string json_extract_path json_extract_path_text
jsonb_extract_path jsonb_extract_path_text json_array_length jsonb_array_length
json_object json_array to_json to_jsonb row_to_json json_build_object jsonb_build_object
json_build_array jsonb_build_array json_keys json_type jsonb_typeof json_typeof json_valid
json_value json_exists json_contains json_structure json_transform json_quote
json_merge_patch jsonb_pretty array_to_json json
"""
_LISTS = """
array_length cardinality len list_value list_pack list_extract list_element array_extract
array unnest list_sort array_sort list_reverse_sort array_reverse_sort list_contains
array_contains list_has array_has list_position array_position list_slice array_slice
list_distinct array_distinct flatten list_concat array_concat array_cat array_append
array_prepend list_append list_prepend list_transform list_apply list_filter list_reduce
array_transform array_apply array_filter list_sum list_avg list_min list_max list_count
list_unique list_zip array_zip list_any_value struct_pack struct_extract row map map_keys
map_values map_extract element_at array_upper array_lower array_dims array_remove
array_replace list_has_any list_has_all array_has_any array_has_all list_aggr
list_aggregate array_aggregate array_value
"""
#: Functions that may stand in FROM: they generate values and read nothing.
TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})

ALLOWED_NAMES = frozenset(
    " ".join((_AGGREGATES, _WINDOW, _MATH, _STRINGS, _DATES, _CONDITIONALS, _JSON,
              _LISTS)).split()) | TABLE_FUNCTIONS

#: sqlglot classes (``type(node).__name__``) of the calls above, plus the syntax sqlglot
#: models as a function node (AND/OR, CASE, CAST, EXISTS, COLLATE, [..], {..}).
ALLOWED_CLASSES = frozenset("""
And Or Xor Not Case If Cast TryCast Exists Collate Array Struct Columns
Abs Acos Asin Atan Atan2 Cbrt Ceil Cos Cosh Cot Degrees Exp Factorial Floor Ln Log Pi Pow
Radians Rand Round Sign Sin Sinh Sqrt Tan Tanh Trunc IsInf IsNan WidthBucket Greatest Least
Coalesce Nullif Nvl2 Typeof
AnyValue ApproxDistinct ApproxQuantile ArgMax ArgMin ArrayAgg Avg BitwiseAndAgg BitwiseOrAgg
BitwiseXorAgg Corr Count CountIf CovarPop CovarSamp First GroupConcat Kurtosis Last
LogicalAnd LogicalOr Max Median Min Mode PercentileCont PercentileDisc Quantile RegrAvgx
RegrAvgy RegrCount RegrIntercept RegrR2 RegrSlope RegrSxx RegrSxy RegrSyy Skewness Stddev
StddevPop StddevSamp Sum Variance VariancePop JSONArrayAgg JSONObjectAgg JSONBObjectAgg
CumeDist DenseRank FirstValue Lag LastValue Lead NthValue Ntile PercentRank Rank RowNumber
Ascii BitLength Chr Concat ConcatWs Contains EndsWith Format Hex Initcap Left Length
Levenshtein JarowinklerSimilarity Lower MD5 Overlay Pad RegexpCount RegexpExtract
RegexpExtractAll RegexpFullMatch RegexpILike RegexpLike RegexpReplace RegexpSplit
RegexpSubstr Repeat Replace Reverse Right SHA SHA2 SHA2Digest Split SplitPart StartsWith
StrPosition StringToArray Substring Translate Trim Unhex Unicode Upper ToChar ToNumber
CurrentDate CurrentTime CurrentTimestamp Date DateAdd DateBin DateDiff DateFromParts DateSub
DateTrunc TimestampTrunc Day DayOfMonth DayOfWeek DayOfWeekIso DayOfYear Dayname Extract
Hour JustifyDays JustifyHours JustifyInterval LastDay Localtime Localtimestamp MakeInterval
Minute Month Monthname Quarter Second StrToDate StrToTime Time TimeFromParts TimeToStr
TimeToUnix Timestamp TimestampFromParts ToDays UnixToTime Week WeekOfYear Year
JSONArray JSONExtract JSONExtractScalar JSONBExtract JSONBExtractScalar JSONKeys JSONObject
JSONType ParseJSON
ArrayAppend ArrayConcat ArrayContains ArrayContainsAll ArrayDistinct ArrayFilter ArrayMax
ArrayMin ArrayOverlaps ArrayPosition ArrayPrepend ArrayRemove ArraySize ArraySlice
ArraySort ArrayToString Explode Flatten List Map MapKeys StructExtract Transform Unnest
GenerateSeries ExplodingGenerateSeries
""".split())

#: sqlglot classes of the functions allowed in FROM.
TABLE_FUNCTION_CLASSES = frozenset({"GenerateSeries", "ExplodingGenerateSeries", "Explode",
                                    "Unnest"})

#: DuckDB's parse tree (``json_serialize_sql``, reported by ``store/duckdb_tree.py``): the
#: kinds of node a query may contain. Anything else is refused, so a kind a future DuckDB
#: adds, or one that reads settings and files (``SHOW_REF``: SHOW, DESCRIBE, SUMMARIZE in
#: FROM), or a write (``DELETE_QUERY_NODE`` in a CTE) never runs.
DUCKDB_NODES = frozenset("""
SELECT_NODE SET_OPERATION_NODE RECURSIVE_CTE_NODE CTE_NODE
BASE_TABLE SUBQUERY JOIN EXPRESSION_LIST EMPTY TABLE_FUNCTION PIVOT
ORDER_MODIFIER LIMIT_MODIFIER LIMIT_PERCENT_MODIFIER DISTINCT_MODIFIER
ASCENDING DESCENDING ORDER_DEFAULT
GENERIC_TYPE_INFO DECIMAL_TYPE_INFO STRING_TYPE_INFO LIST_TYPE_INFO STRUCT_TYPE_INFO
ENUM_TYPE_INFO USER_TYPE_INFO ARRAY_TYPE_INFO INTEGER_LITERAL_TYPE_INFO ANY_TYPE_INFO
""".split())  # the *_TYPE_INFO: how DuckDB 1.x describes a CAST's type (2.x: TYPE expressions)
#: Expression classes of DuckDB's parse tree (function names are checked on their own).
DUCKDB_EXPRESSIONS = frozenset("""
BETWEEN CASE CAST COLLATE COLUMN_REF COMPARISON CONJUNCTION CONSTANT FUNCTION LAMBDA
LAMBDA_REF OPERATOR PARAMETER POSITIONAL_REFERENCE STAR SUBQUERY WINDOW TYPE
""".split())

#: Table names no store table has: system catalogs of DuckDB and PostgreSQL (every
#: pg_catalog relation starts with ``pg_``), and what DuckDB would read as a file path.
SYSTEM_TABLE_PREFIXES = ("pg_", "duckdb_", "sqlite_", "pragma_")
#: Schemas a table may be qualified with: the store's own (DuckDB ``main``, PostgreSQL
#: ``public``), and ``information_schema`` for these views, which list tables and columns
#: (on PostgreSQL only those the reader role may read, i.e. the store's).
STORE_SCHEMAS = frozenset({"main", "public"})
INFORMATION_SCHEMA_VIEWS = frozenset({"tables", "columns", "views"})


def node_refusal(kind: str) -> str:
    """Why a kind of node in DuckDB's parse tree is refused."""
    k = kind.upper()
    if k == "SHOW_REF":
        return ("SHOW, DESCRIBE and SUMMARIZE are not allowed in a query: they read settings "
                "and the catalog (the store's tables and columns are in "
                "information_schema.columns)")
    if k.endswith("_QUERY_NODE") or k.startswith(("INSERT", "UPDATE", "DELETE", "MERGE")):
        return "the store is read-only here: a statement that writes is not allowed"
    return (f"the query contains a {kind} (as DuckDB reads it), which is not on the "
            f"sandbox's list of query parts")


def refusal_reason(name: str) -> str:
    """Why a function is refused, in words a person can act on."""
    n = name.lower()
    if n.startswith(("read_", "glob", "sniff_", "parquet_", "pg_read", "pg_ls", "pg_stat_file",
                     "lo_", "iceberg_", "delta_", "http", "dblink", "postgres_", "sqlite_",
                     "mysql_", "copy", "pg_file")):
        return "it reads files, large objects or other databases"
    if "query" in n or n.endswith(("_to_xml", "_to_xmlschema", "_to_xml_and_xmlschema")) or \
            n in ("xpath", "execute", "sql"):
        return "it runs SQL text"
    if n in ("current_setting", "set_config", "checkpoint", "force_checkpoint", "setseed",
             "nextval", "setval", "currval", "lastval", "pg_sleep", "pg_sleep_for",
             "pg_sleep_until") or n.startswith(("pg_", "duckdb_", "txid_", "pragma_")):
        return "it reads or changes settings, sessions or system state"
    return "it is not on the sandbox's list of functions that only compute on values"
