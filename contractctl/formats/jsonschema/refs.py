"""`$ref` resolution: local pointers, embedded `$id`s and anchors in-file; other contracts by name.

A reference whose URI part is neither empty, nor the document's own `$id`, nor an embedded `$id`
names another contract (a relative path or an `$id`): the registry stores it as a schema reference
(name = the URI as written, subject, version), so the outline lists it and `parse` receives the
parsed contract under that name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from contractctl.formats.jsonschema.drafts import Draft
from contractctl.formats.jsonschema.loader import DocumentLoader, LoadError, child, ref_pointer_tokens
from contractctl.formats.jsonschema.model import REF, Node


def walk_objects(value: Any, keywords: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object of a document holding one of `keywords`, with its pointer."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            if any(k in item for k in keywords):
                yield child("", *path), item
            stack.extend(((*path, k), v) for k, v in item.items() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(((*path, i), v) for i, v in enumerate(item) if isinstance(v, (dict, list)))


def _without_fragment(uri: str) -> str:
    return urldefrag(uri)[0]


class SchemaGraph:
    """One document's nodes, with its references resolved (against `externals` for other files)."""

    def __init__(
        self, document: Any, draft: Draft, externals: Mapping[str, SchemaGraph], text: str | None = None
    ) -> None:
        """`text`: the document's source, when known: a text that spells no identifier keyword
        (plainly or through an escape) has no embedded `$id` or anchor to look for, and one that
        spells no `$ref` may share its subtrees' nodes with other documents (DocumentLoader)."""
        plain = text if text is not None and "\\u" not in text else None  # every keyword spelled plainly
        shareable = plain is not None and '"$ref"' not in plain
        self.loader = DocumentLoader(document, draft, shareable=shareable, text=text)
        self.externals = externals
        root_id = document.get(draft.id_keyword) if isinstance(document, dict) else None
        self.base = _without_fragment(root_id) if isinstance(root_id, str) else ""
        self.ids: dict[str, str] = {}
        self.anchors: dict[str, str] = {}
        self._resolving = False  # inside _resolve_pending: its loop takes what a target adds
        keywords = (draft.id_keyword, "$anchor")
        if plain is not None and not any(f'"{k}"' in plain for k in keywords):
            return
        for pointer, obj in walk_objects(document, keywords):
            identifier = obj.get(draft.id_keyword)
            if isinstance(identifier, str) and pointer:
                if identifier.startswith("#"):
                    self.anchors[identifier[1:]] = pointer
                else:
                    self.ids[_without_fragment(identifier)] = pointer
                    self.ids[_without_fragment(urljoin(self.base, identifier))] = pointer
            anchor = obj.get("$anchor")
            if isinstance(anchor, str) and draft.modern:
                self.anchors[anchor] = pointer

    @property
    def root(self) -> Node:
        node = self.node_at("")
        if not self.loader.had_refs and node.free is None:
            for loaded in self.loader.nodes.values():  # no $ref in the document: nothing below has one
                loaded.free = True
        return node

    def node_at(self, pointer: str) -> Node:
        try:
            node = self.loader.node_at(pointer)
        except KeyError:
            raise LoadError(f"nothing at {pointer or '#'}", pointer) from None
        if not self._resolving:
            self._resolve_pending()
        return node

    def _resolve_pending(self) -> None:
        """Resolve every pending `$ref`, and those their targets bring, in one loop: resolving each
        target's references from inside `_target` would recurse once per link of a chain of
        definitions (hundreds in real schemas such as Vega-Lite's), past Python's stack limit."""
        resolved = []
        self._resolving = True
        try:
            while self.loader.pending_refs:
                reference = self.loader.pending_refs.pop()
                reference.target = self._target(reference)
                resolved.append(reference)
        finally:
            self._resolving = False
        # a chain of references that only leads back to itself never reaches a schema
        for reference in resolved:
            _check_chain(reference)

    def _target(self, reference: Node) -> Node:
        ref = reference.ref
        where = child(reference.pointer, "$ref")
        uri, fragment = urldefrag(ref) if "#" in ref else (ref, "")
        if ref.startswith("#"):
            uri, fragment = "", ref[1:]
        graph, base_pointer = self._document_of(uri, ref, where)
        try:
            if fragment.startswith("/") or not fragment:
                pointer = base_pointer + ("" if not fragment else _normalized(fragment, self))
                return graph.node_at(_bridged(graph.loader.document, pointer))
            if fragment in graph.anchors:
                return graph.node_at(graph.anchors[fragment])
        except LoadError as error:
            if (
                error.pointer == where
                or error.message.startswith("$ref")
                or error.rule != "INVALID_REFERENCE"
            ):
                raise  # its own place: a reference that fails further on, or a schema the loader refuses
            message = f"$ref {ref!r}: {error.message}"
            if "+" in fragment and not self.loader.draft.modern and error.message.startswith("nothing"):
                message += (
                    " (the registry's Everit reads a `+` in a pointer as a space: write %2B for a plus)"
                )
            raise LoadError(message, where) from None
        raise LoadError(f"$ref {ref!r}: no schema with anchor {fragment!r}", where)

    def _document_of(self, uri: str, ref: str, where: str) -> tuple[SchemaGraph, str]:
        if not uri:
            return self, ""
        absolute = _without_fragment(urljoin(self.base, uri))
        if absolute == self.base or uri == self.base:
            return self, ""
        for candidate in (uri, absolute):
            if candidate in self.ids:
                return self, self.ids[candidate]
        for candidate in (uri, absolute):
            if candidate in self.externals:
                return self.externals[candidate], ""
        for candidate in (uri, absolute):
            if (meta := meta_schema_graph(candidate)) is not None:
                return meta, ""
        raise LoadError(f"$ref {ref!r} names no schema in this file and no referenced contract", where)


def _normalized(fragment: str, graph: SchemaGraph) -> str:
    """A `$ref`'s pointer as a pointer of this package (`child`), read as the referring document's
    loader reads it."""
    try:
        tokens = ref_pointer_tokens(fragment, graph.loader.draft)
    except ValueError as error:
        raise LoadError(f"bad escape in its pointer: {error}", "") from None
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in tokens)


def _bridged(document: Any, pointer: str) -> str:
    """Where `#/$defs/X` points once Confluent's JsonSchema.mergeDefBuckets has run: before loading
    (any draft, the root and each referenced schema), every top-level `definitions` entry is copied
    into `$defs`, unless `$defs` is there and not an object or already names it. So a `$defs` pointer
    finds a `definitions` entry (registries 8.0.6, 8.1.4, 8.2.2 and later; older ones refuse it)."""
    if not pointer.startswith("/$defs/") or not isinstance(document, dict):
        return pointer
    escaped = pointer.split("/", 3)[2]
    name = escaped.replace("~1", "/").replace("~0", "~")
    definitions, defs = document.get("definitions"), document.get("$defs", {})
    if (
        not isinstance(definitions, dict)
        or name not in definitions
        or not isinstance(defs, dict)
        or name in defs
    ):
        return pointer
    return "/definitions/" + pointer[len("/$defs/") :]


def _check_chain(node: Node) -> None:
    seen = {id(node)}
    current = node.target
    while current is not None and current.kind == REF:
        if id(current) in seen:  # reported where the cycle closes, whichever reference led to it
            message = f"$ref {current.ref!r} is a cycle of references that never reaches a schema"
            raise LoadError(message, child(current.pointer, "$ref"))
        seen.add(id(current))
        current = current.target


def external_names(document: Any, draft: Draft) -> tuple[str, ...]:
    """The other contracts a document references (URI part of each `$ref`), in first-use order."""
    if not isinstance(document, dict):
        return ()
    graph_ids: set[str] = set()
    root_id = document.get(draft.id_keyword)
    base = _without_fragment(root_id) if isinstance(root_id, str) else ""
    for _, obj in walk_objects(document, (draft.id_keyword,)):
        identifier = obj.get(draft.id_keyword)
        if isinstance(identifier, str) and not identifier.startswith("#"):
            graph_ids.add(_without_fragment(identifier))
            graph_ids.add(_without_fragment(urljoin(base, identifier)))
    names: dict[str, None] = {}
    for _, obj in sorted(walk_objects(document, ("$ref",)), key=lambda found: found[0]):
        ref = obj.get("$ref")
        if not isinstance(ref, str) or ref.startswith("#"):
            continue
        uri = _without_fragment(ref)
        absolute = _without_fragment(urljoin(base, uri))
        if (
            uri
            and uri != base
            and uri not in graph_ids
            and absolute not in graph_ids
            and meta_schema_uri(uri) is None
            and meta_schema_uri(absolute) is None
        ):
            names[uri] = None
    return tuple(names)


_META_ALIASES: dict[str, str] = {}  # a meta-schema URI as a $ref may write it -> the bundled one's
_META_GRAPHS: dict[str, SchemaGraph] = {}


def meta_schema_uri(uri: str) -> str | None:
    """The bundled draft meta-schema `uri` names (without fragment), or None.

    Confluent's registry resolves a `$ref` to a draft meta-schema locally, without a fetch and
    without a schema reference (json-schema-provider JsonSchema: drafts 4, 6 and 7 registered with
    the Everit loader, 2019-09 and 2020-12 prepopulated, http and https forms alike); `jsonschema`
    bundles the same documents. Draft 3 is not among them.
    """
    if not uri.startswith(("http://json-schema.org/", "https://json-schema.org/")):
        return None  # most references name contracts: no need to load the bundled registry
    if not _META_ALIASES:
        import jsonschema_specifications

        for bundled in jsonschema_specifications.REGISTRY:
            if "draft-03" in bundled:
                continue
            _META_ALIASES[bundled] = bundled
            if bundled.endswith("/schema"):  # the drafts themselves, under either scheme
                scheme, rest = bundled.split("://", 1)
                _META_ALIASES[("https" if scheme == "http" else "http") + "://" + rest] = bundled
    return _META_ALIASES.get(uri)


def meta_schema_graph(uri: str) -> SchemaGraph | None:
    """The bundled meta-schema `uri` names, loaded once per process (None: not a meta-schema)."""
    bundled = meta_schema_uri(uri)
    if bundled is None:
        return None
    if bundled not in _META_GRAPHS:
        import jsonschema_specifications

        from contractctl.formats.jsonschema.drafts import detect_draft

        document = jsonschema_specifications.REGISTRY.contents(bundled)
        _META_GRAPHS[bundled] = SchemaGraph(document, detect_draft(document), {})
    return _META_GRAPHS[bundled]
