"""CEL rules as Confluent's serializers run them, checked before they reach a producer.

Confluent splits a rule's `expr` at its first ``;``: the part before is a guard (when it is false the
rule is skipped: a CONDITION passes, a TRANSFORM leaves the value alone), the part after is the rule.
A CEL rule sees the whole record as ``message``; a CEL_FIELD rule runs once per primitive field and
sees ``value``, ``name``, ``fullName``, ``typeName``, ``tags`` and the *containing* record as
``message`` (the variables of confluent-kafka's CelFieldExecutor).

cel-python (``celpy``) parses but does not type-check, so the reference check here does the part of
CEL's checker that catches real mistakes: unknown variables, fields the schema does not have,
``name == 'x'`` with no field x, and ``typeName`` values Confluent never produces.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from contractctl.formats.vocabulary.shapes import (
    TYPE_NAMES,
    Field,
    ListOf,
    MapOf,
    Record,
    Scalar,
    SchemaModel,
    Shape,
    UnionOf,
)
from contractctl.sidecar.shapes import records_in

if TYPE_CHECKING:
    import celpy


@dataclass(frozen=True)
class CelProblem:
    """Something wrong in an expression, at a 0-based offset into the rule's whole `expr`."""

    message: str
    offset: int


@dataclass(frozen=True)
class CompiledCel:
    expr: str
    guard: Any  # celpy Runner or None
    body: Any  # celpy Runner
    trees: tuple[tuple[int, Any], ...]  # (offset, lark tree) for the guard (if any) and the body


class CelEvaluationError(Exception):
    """A rule could not be evaluated on a value (a missing field, a type mismatch)."""


class _Unknown:
    """A value whose shape the checker does not follow (function results, map values of unknown use)."""


UNKNOWN = _Unknown()
Inferred = Shape | _Unknown

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
# Identifiers that are values in CEL (type denotations) and extension namespaces used as receivers.
_TYPE_IDENTS = frozenset(
    {"int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn"}
)
_NAMESPACES = frozenset(
    {"cel", "math", "strings", "base64", "sets", "lists", "optional", "proto", "encoders"}
)
_FIELD_VARIABLES = ("value", "name", "fullName", "typeName", "tags", "message")


@lru_cache(maxsize=1)
def _environment() -> celpy.Environment:
    import celpy

    return celpy.Environment()


def split_guard(expr: str) -> list[tuple[int, str]]:
    """(offset, text) of the guard (when there is one) and of the rule body, as Confluent splits them."""
    index = expr.find(";")
    if index < 0:
        return [(0, expr)]
    guard = expr[:index]
    parts = [(0, guard)] if guard.strip() else []
    parts.append((index + 1, expr[index + 1 :]))
    return parts


def _offset(text: str, line: int, column: int) -> int:
    """0-based offset of a 1-based (line, column) inside `text`."""
    lines = text.split("\n")
    line = max(1, min(line, len(lines)))
    return sum(len(item) + 1 for item in lines[: line - 1]) + max(column - 1, 0)


def _parse_message(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    text = str(cause) if cause is not None else str(error)
    first = text.strip().splitlines()[0] if text.strip() else "syntax error"
    if "Unexpected token Token('$END'" in first:
        return "the expression ends too early"
    if first.startswith("Unexpected token Token("):
        token = first.split(",", 1)[1].split(")", 1)[0].strip()
        return f"unexpected {token}"
    if first.startswith("No terminal matches"):
        return first.split(" in the current parser context")[0].replace("No terminal matches", "unexpected")
    return first


def compile_cel(expr: str) -> tuple[CompiledCel | None, list[CelProblem]]:
    """Parse and prepare both parts; problems carry the offset of the error inside `expr`."""
    from celpy.celparser import CELParseError
    from celpy.evaluation import CELSyntaxError, CELUnsupportedError

    env = _environment()
    problems: list[CelProblem] = []
    runners: list[tuple[int, Any, Any]] = []
    for offset, part in split_guard(expr):
        if not part.strip():
            problems.append(CelProblem("the expression is empty", offset))
            continue
        try:
            tree = env.compile(part)
        except CELParseError as error:
            line = getattr(error, "line", None) or 1
            column = getattr(error, "column", None) or 1
            where = offset + min(_offset(part, line, column), len(part))
            problems.append(CelProblem(f"CEL does not compile: {_parse_message(error)}", where))
            continue
        try:
            runner = env.program(tree)
        except (CELSyntaxError, CELUnsupportedError) as error:
            problems.append(CelProblem(f"CEL does not compile: {error}", offset))
            continue
        runners.append((offset, tree, runner))
    if problems:
        return None, problems
    guard = runners[0][2] if len(runners) == 2 else None
    trees = tuple((offset, tree) for offset, tree, _ in runners)
    return CompiledCel(expr, guard, runners[-1][2], trees), []


@lru_cache(maxsize=512)
def compile_cached(expr: str) -> tuple[CompiledCel | None, tuple[CelProblem, ...]]:
    compiled, problems = compile_cel(expr)
    return compiled, tuple(problems)


# ----------------------------------------------------------------------------------------------
# Reference check


def _any_record(model: SchemaModel) -> Record:
    """What CEL_FIELD's `message` may be: any record of the schema, so any of their fields."""
    merged = Record("any record of the schema")
    for _, item in model.fields():
        merged.fields.setdefault(item.name, Field(item.name, item.shape))
    return merged


def check_references(compiled: CompiledCel, model: SchemaModel, rule_type: str) -> list[CelProblem]:
    """Unknown variables and fields, for a domain rule of `rule_type` (CEL or CEL_FIELD)."""
    string = Scalar("STRING")
    env: dict[str, Inferred]
    if rule_type == "CEL_FIELD":
        env = {
            "value": UNKNOWN,
            "name": string,
            "fullName": string,
            "typeName": string,
            "tags": ListOf(string),
            "message": _any_record(model),
        }
    else:
        env = {"message": model.root}
    roots = {name.split(".")[0] for name in model.records}
    checker = _Checker(model, rule_type, roots)
    for offset, tree in compiled.trees:
        checker.offset = offset
        checker.infer(tree, env)
    return checker.problems


def _token_offset(node: Any) -> int:
    import lark

    if isinstance(node, lark.Token):
        return int(node.start_pos or 0)
    for child in node.children:
        found = _token_offset(child)
        if found >= 0:
            return found
    return -1


def _single(node: Any, data: str) -> Any:
    """Unwrap single-child chains (expr -> ... -> primary) down to a node of kind `data`, or None."""
    import lark

    while isinstance(node, lark.Tree):
        if node.data == data:
            return node
        if len(node.children) != 1:
            return None
        node = node.children[0]
    return None


def _ident_name(node: Any) -> str | None:
    found = _single(node, "ident")
    return str(found.children[0]) if found is not None else None


def _string_literal(node: Any) -> str | None:
    import lark

    found = _single(node, "literal")
    if found is None:
        return None
    token = found.children[0]
    if not isinstance(token, lark.Token) or token.type != "STRING_LIT":
        return None
    text = str(token)
    if text[:1] in "rR":
        return text[2:-1]
    return text[1:-1].replace("\\'", "'").replace('\\"', '"')


class _Checker:
    def __init__(self, model: SchemaModel, rule_type: str, roots: set[str]) -> None:
        self.model = model
        self.rule_type = rule_type
        self.roots = roots
        self.offset = 0
        self.problems: list[CelProblem] = []
        self.field_names = model.field_names()
        self.full_names = set(model.full_names())

    def problem(self, message: str, node: Any) -> None:
        self.problems.append(CelProblem(message, self.offset + max(_token_offset(node), 0)))

    def infer(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        import lark

        if isinstance(node, lark.Token):
            return UNKNOWN
        handler = getattr(self, f"_{node.data}", None)
        if handler is not None:
            return handler(node, env)  # type: ignore[no-any-return]
        if len(node.children) == 1:
            return self.infer(node.children[0], env)
        for child in node.children:
            self.infer(child, env)
        return UNKNOWN

    def _ident(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        name = str(node.children[0])
        if name in env:
            return env[name]
        if name not in _TYPE_IDENTS and name not in self.roots:
            declared = ", ".join(_FIELD_VARIABLES if self.rule_type == "CEL_FIELD" else ("message",))
            self.problem(f"unknown variable {name!r} (a {self.rule_type} rule has: {declared})", node)
        return UNKNOWN

    def _member_dot(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        target, token = node.children
        return self.select(self.infer(target, env), str(token), token, self.describe(target))

    def _member_index(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        target, index = node.children
        shape = self.infer(target, env)
        self.infer(index, env)
        if isinstance(shape, ListOf):
            return shape.item
        if isinstance(shape, MapOf):
            return shape.value
        key = _string_literal(index)
        if key is not None and isinstance(shape, (Record, UnionOf)):
            return self.select(shape, key, index, self.describe(target))
        return UNKNOWN

    def _member_dot_arg(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        target, method = node.children[0], str(node.children[1])
        args = list(node.children[2].children) if len(node.children) > 2 and node.children[2] else []
        receiver = _ident_name(target)
        if receiver in _NAMESPACES and receiver not in env:
            if receiver == "cel" and method == "bind" and len(args) == 3:
                variable = _ident_name(args[0])
                bound = self.infer(args[1], env)
                self.infer(args[2], {**env, variable: bound} if variable else env)
                return UNKNOWN
            for arg in args:
                self.infer(arg, env)
            return UNKNOWN
        shape = self.infer(target, env)
        if method in MACROS and args and _ident_name(args[0]) is not None:
            variables = [_ident_name(arg) for arg in args[:-1]]
            element: Inferred = UNKNOWN
            if isinstance(shape, ListOf):
                element = shape.item
            elif isinstance(shape, MapOf):
                element = Scalar("STRING")
            inner = dict(env)
            for position, variable in enumerate(variables):
                if variable is not None:
                    inner[variable] = element if position == 0 and len(variables) == 1 else UNKNOWN
            for arg in args[len(variables) :]:
                self.infer(arg, inner)
            return shape if method == "filter" else UNKNOWN
        for arg in args:
            self.infer(arg, env)
        return UNKNOWN

    def _relation(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        if len(node.children) == 2 and self.rule_type == "CEL_FIELD":
            operator = node.children[0]
            left = operator.children[0] if operator.children else None
            right = node.children[1]
            if operator.data in ("relation_eq", "relation_ne") and left is not None:
                for variable, literal in ((left, right), (right, left)):
                    self.check_field_literal(_ident_name(variable), literal)
            elif operator.data == "relation_in" and left is not None:
                variable = _ident_name(right)
                items = _single(right, "list_lit")
                if variable is None and items is not None and items.children and items.children[0]:
                    for item in items.children[0].children:
                        self.check_field_literal(_ident_name(left), item)
        for child in node.children:
            self.infer(child, env)
        return UNKNOWN

    def _literal(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        token = node.children[0]
        kind = _LITERAL_KINDS.get(getattr(token, "type", ""))
        return Scalar(kind) if kind else UNKNOWN

    def _addition(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        return self._arithmetic(node, env)

    def _multiplication(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        return self._arithmetic(node, env)

    def _arithmetic(self, node: Any, env: Mapping[str, Inferred]) -> Inferred:
        """`a + b`, `a * b`...: CEL has no overload across kinds (`string + int` fails on every record),
        and only + is defined for strings and bytes."""
        if len(node.children) == 1:
            return self.infer(node.children[0], env)
        operator, right_node = node.children
        left_node = operator.children[0]
        left, right = self.infer(left_node, env), self.infer(right_node, env)
        symbol = _OPERATORS.get(operator.data, operator.data)
        kinds = [_arithmetic_kind(shape) for shape in (left, right)]
        for shape, kind, operand in ((left, kinds[0], left_node), (right, kinds[1], right_node)):
            if kind == "bool" or (kind in ("string", "bytes") and symbol != "+"):
                self.problem(
                    f"{self.describe(operand)} is a {_kind_label(shape)}: CEL has no {symbol} for it", operand
                )
                return UNKNOWN
        if None not in kinds and kinds[0] != kinds[1]:
            self.problem(
                f"{self.describe(left_node)} {symbol} {self.describe(right_node)} mixes a "
                f"{_kind_label(left)} and a {_kind_label(right)}: CEL has no such {symbol} "
                "(convert one side: string(x), int(x), double(x))",
                left_node,
            )
            return UNKNOWN
        return left if kinds[0] is not None else right

    def check_field_literal(self, variable: str | None, literal: Any) -> None:
        value = _string_literal(literal)
        if variable is None or value is None:
            return
        if variable == "name" and value not in self.field_names:
            self.problem(f"no field of the schema is named {value!r}", literal)
        elif variable == "fullName" and value not in self.full_names:
            self.problem(f"no field of the schema has the full name {value!r}", literal)
        elif variable == "typeName" and value not in TYPE_NAMES:
            known = ", ".join(sorted(TYPE_NAMES))
            self.problem(f"typeName is never {value!r} (Confluent's type names: {known})", literal)

    def describe(self, node: Any) -> str:
        """The source text of a member chain, for messages (``message.total``)."""
        import lark

        tokens = [str(token) for token in node.scan_values(lambda v: isinstance(v, lark.Token))]
        return ".".join(tokens) if tokens else "the value"

    def select(self, shape: Inferred, name: str, node: Any, where: str) -> Inferred:
        if isinstance(shape, _Unknown):
            return UNKNOWN
        if isinstance(shape, MapOf):
            return shape.value
        if isinstance(shape, Record):
            if name in shape.fields:
                return shape.fields[name].shape
            known = ", ".join(sorted(shape.fields)) or "none"
            self.problem(f"{where} ({shape.full_name}) has no field {name!r} (fields: {known})", node)
            return UNKNOWN
        if isinstance(shape, UnionOf):
            records = records_in(shape)
            for record in records:
                if name in record.fields:
                    return record.fields[name].shape
            if records:
                known = ", ".join(sorted({n for r in records for n in r.fields}))
                self.problem(f"{where} has no field {name!r} in any branch (fields: {known})", node)
            return UNKNOWN
        if isinstance(shape, ListOf):
            self.problem(f"{where} is a list: it has no field {name!r} (use all(), exists() or [i])", node)
            return UNKNOWN
        if shape.opaque:
            return UNKNOWN
        self.problem(f"{where} is a {shape.type_name}: it has no field {name!r}", node)
        return UNKNOWN


_LITERAL_KINDS = {
    "INT_LIT": "LONG",
    "UINT_LIT": "LONG",
    "FLOAT_LIT": "DOUBLE",
    "STRING_LIT": "STRING",
    "MLSTRING_LIT": "STRING",
    "BYTES_LIT": "BYTES",
    "BOOL_LIT": "BOOLEAN",
}
_OPERATORS = {
    "addition_add": "+",
    "addition_sub": "-",
    "multiplication_mul": "*",
    "multiplication_div": "/",
    "multiplication_mod": "%",
}
_ARITHMETIC_KINDS = {
    "STRING": "string",
    "BYTES": "bytes",
    "BOOLEAN": "bool",
    "INT": "number",
    "LONG": "number",
    "FLOAT": "number",
    "DOUBLE": "number",
}


def _arithmetic_kind(shape: Inferred) -> str | None:
    """string, bytes, bool or number for a known scalar; None when the checker cannot tell."""
    if isinstance(shape, Scalar) and not shape.opaque:
        return _ARITHMETIC_KINDS.get(shape.type_name)
    return None


def _kind_label(shape: Inferred) -> str:
    return shape.type_name if isinstance(shape, Scalar) else "value"


def message_paths(compiled: CompiledCel) -> list[list[str]]:
    """The `message.a.b` chains an expression reads, outermost first (to point at example values)."""
    import lark

    out: list[list[str]] = []

    def chain(node: Any) -> list[str] | None:
        if _ident_name(node) == "message":
            return []
        found = _single(node, "member_dot") if isinstance(node, lark.Tree) else None
        if found is None:
            return None
        head = chain(found.children[0])
        return None if head is None else [*head, str(found.children[1])]

    for _, tree in compiled.trees:
        for sub in tree.iter_subtrees_topdown():
            if sub.data == "member_dot":
                path = chain(sub)
                if path and not any(existing[: len(path)] == path for existing in out):
                    out.append(path)
    return out


# ----------------------------------------------------------------------------------------------
# Evaluation


def to_cel(value: Any) -> Any:
    """A plain Python value (from JSON or a decoded record) as CEL values."""
    from celpy import celtypes

    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, (bytes, bytearray)):
        return celtypes.BytesType(bytes(value))
    if isinstance(value, datetime.datetime):
        return celtypes.TimestampType(value)
    if isinstance(value, datetime.timedelta):
        return celtypes.DurationType(value)
    if isinstance(value, Mapping):
        return celtypes.MapType({celtypes.StringType(str(k)): to_cel(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return celtypes.ListType([to_cel(item) for item in value])
    return value


def _run(runner: Any, activation: Mapping[str, Any]) -> Any:
    from celpy.evaluation import CELEvalError

    try:
        result = runner.evaluate(dict(activation))
    except CELEvalError as error:
        raise CelEvaluationError(_eval_message(error)) from None
    except (TypeError, ValueError, KeyError, ZeroDivisionError, OverflowError) as error:
        raise CelEvaluationError(str(error)) from None
    if isinstance(result, CELEvalError):
        raise CelEvaluationError(_eval_message(result))
    return result


def _eval_message(error: BaseException) -> str:
    args = getattr(error, "args", ())
    text = str(args[0]) if args else str(error)
    nested = [a for a in args[2:] if a] if len(args) > 2 else []
    if "no matching overload" in text and nested:
        inner = str(nested[0])
        marker = "no such member in mapping: "
        if marker in inner:
            return "the value has no " + inner.split(marker, 1)[1].split('"', 1)[0].split(",", 1)[0]
    if text.startswith("no such member in mapping: "):
        return "the value has no " + text.split(": ", 1)[1]
    return text


def evaluate(compiled: CompiledCel, activation: Mapping[str, Any], condition: bool) -> Any:
    """Run the rule as Confluent does: a false guard skips it (a CONDITION then passes).

    Raises CelEvaluationError when the rule cannot be evaluated on these values.
    """
    from celpy import celtypes

    if compiled.guard is not None and not bool(_run(compiled.guard, activation)):
        return True if condition else None
    result = _run(compiled.body, activation)
    return bool(result) if isinstance(result, celtypes.BoolType) else result
