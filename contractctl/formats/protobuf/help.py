"""SARIF help for the Protobuf findings: Confluent's incompatible difference types and protoc's
complaints, what each means for data already written and how to change the schema instead."""

from __future__ import annotations

from contractctl.formats.protobuf.findings import reserve_hint

RULE_HELP: dict[str, tuple[str, str]] = {
    "PACKAGE_CHANGED": (
        "The Protobuf package changed.",
        "Message and enum names are resolved with the package, and Confluent's serializers record the "
        "message by its full name. Renaming the package makes every existing payload name a type the new "
        "schema does not have. Keep the package; put a redesign in a new versioned package and subject.",
    ),
    "MESSAGE_REMOVED": (
        "A message that the other version has was removed.",
        "Confluent's wire format carries the index of the message in the file, and other messages or "
        "consumers may refer to the removed one by name. Keep the message (mark it deprecated) instead of "
        "deleting it.",
    ),
    "FIELD_KIND_CHANGED": (
        "A field changed between scalar, message, enum and map kinds.",
        "The wire type of a field follows its kind: a scalar, a length-delimited message and a map entry "
        "cannot be read as one another, so old data fails to parse or is dropped. Leave the field as it "
        "is (reserve it when retired) and add a new field with a new number for the new kind.",
    ),
    "FIELD_SCALAR_KIND_CHANGED": (
        "A scalar field changed to a type outside its wire-compatible group.",
        "Only scalar types in the same group share an encoding (for example int32, uint32, int64, uint64 "
        "and bool; sint32 and sint64; fixed32 and sfixed32; fixed64 and sfixed64; string and bytes). Any "
        "other change makes readers misread or reject old values. Add a new field with the new type.",
    ),
    "FIELD_NAMED_TYPE_CHANGED": (
        "A message- or enum-typed field now refers to a different type.",
        "Data written with the old type is parsed with the new type's field numbers, which silently "
        "misreads it. Keep the field's type (evolve that type compatibly instead), or add a new field "
        "for the other type.",
    ),
    "FIELD_NUMERIC_LABEL_CHANGED": (
        "A numeric field changed between singular and repeated (or optional).",
        "Packed repeated numbers and a singular number are encoded differently, and readers of the other "
        "label keep only the last value or fail. Keep the label; add a new field when the cardinality "
        "must change.",
    ),
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED": (
        "A string or bytes field changed between singular and repeated.",
        "A reader expecting one value keeps only the last of many, and one expecting many sees a single "
        "element: data is lost silently. Keep the label; add a new field instead.",
    ),
    "REQUIRED_FIELD_ADDED": (
        "A proto2 required field was added.",
        "Data written without the field fails to parse with a schema that requires it. Add the field as "
        "optional (proto2) or as a plain proto3 field, and give readers a sensible default.",
    ),
    "REQUIRED_FIELD_REMOVED": (
        "A proto2 required field was removed.",
        "Readers on the other version insist on the field and reject data written without it. Keep "
        "required fields for as long as any reader may require them.",
    ),
    "ONEOF_FIELD_REMOVED": (
        "A member of a oneof was removed.",
        "Data that set the removed member loses the oneof's value when read, without an error. Keep the "
        "member (deprecate it), or remove the whole oneof in a new field. "
        + reserve_hint("the message", ["<number>", '"<name>"']),
    ),
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL": (
        "A oneof member became a regular field.",
        "Schema Registry releases before the mid-2026 patch releases (protobuf `oneof_rules: legacy`) "
        "report this as incompatible. Keep the field in its oneof while any registry you publish to "
        "answers with the legacy rules.",
    ),
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF": (
        "Several existing fields were moved into one oneof.",
        "Fields that could be set together become mutually exclusive: a reader keeps only the last one "
        "of them in the data and drops the others. Leave existing fields outside the oneof; add new "
        "fields to it.",
    ),
    "FIELD_MOVED_TO_EXISTING_ONEOF": (
        "An existing field was moved into a oneof that already existed.",
        "The field becomes mutually exclusive with the oneof's other members, so data that set both "
        "loses one of them when read. Add new fields to the oneof instead of moving existing ones in.",
    ),
    "PROTO_SYNTAX": (
        "The file is not valid .proto syntax.",
        "protoc cannot parse the file at the reported position. Fix the syntax there; the message gives "
        "protoc's explanation.",
    ),
    "PROTO_IMPORT_CYCLE": (
        "Files import each other in a cycle.",
        "protoc requires imports to form a tree. Move the types both files need into a third file that "
        "both import.",
    ),
    "PROTO_IMPORT_NOT_FOUND": (
        "An imported file cannot be found.",
        "Imports are resolved against the contracts root (and `protobuf.include` directories), plus the "
        "built-in google/protobuf, google/type and confluent files. Import other contracts by their path "
        "under the contracts root, or add the directory that holds the file to `protobuf.include`.",
    ),
    "PROTO_UNKNOWN_TYPE": (
        "A field or option refers to a type that is not defined.",
        "The name does not resolve in the file's package or its imports. Fix the name, define the type, "
        "or import the file that defines it.",
    ),
    "PROTO_DUPLICATE": (
        "A field number or name is used twice in one scope.",
        "Each field number and each name may appear once per message (enum value names once per "
        "package). Pick a free number or name; never reuse a number that old data may still carry.",
    ),
    "PROTO_RESERVED_FIELD_NUMBER": (
        "A field uses a number from the range protobuf reserves for itself.",
        "Field numbers 19000 to 19999 are reserved for the protobuf implementation. Pick another number.",
    ),
    "PROTO_INVALID_FIELD_NUMBER": (
        "A field number is outside the valid range.",
        "Field numbers run from 1 to 536870911. Pick a number in that range that the message has not used.",
    ),
    "PROTO_LABEL": (
        "A field label is missing or not allowed here.",
        "proto2 fields outside a oneof need optional, required or repeated; proto3 has no required; oneof "
        "members take no label. Fix the label as the message says.",
    ),
    "PROTO_EDITIONS": (
        "The file uses Protobuf editions, which Schema Registry cannot parse.",
        'protoc compiles `edition = "2023";` files, but the registry parses schema text with Wire, '
        "which refuses the `edition` keyword, so registering the file fails. Declare `syntax = "
        '"proto3";` (or "proto2") and express the features as proto2/proto3 labels instead.',
    ),
    "PROTO_REGISTRY_SYNTAX": (
        "protoc compiles the file, but Schema Registry's parser refuses it.",
        "The registry parses schema text with Square Wire, whose grammar is narrower than protoc's in "
        "places: a proto2 group's body holds plain fields only (no nested group, message, enum, oneof "
        "or option, and no options after its number), the end of a `reserved` or `extensions` range "
        "is a decimal number, no sign goes before a hexadecimal number, an aggregate option value "
        "takes `name: value` and `name { ... }` only (no `<...>`, no expanded Any "
        "`[type.googleapis.com/...]`), a number has no `+` in its exponent (`1e9`, not `1e+9`) and no "
        "space after its minus sign, a package name is one word, and only spaces, tabs and line "
        "breaks separate words (no form feed or vertical tab). Registering the file fails (422).",
    ),
    "PROTO_OCTAL_NUMBER": (
        "A number with a leading zero means one thing to protoc and another to Schema Registry.",
        "protoc reads `010` as octal (8), Schema Registry's parser (Wire) as decimal (10): the registry "
        "would hold, and compare, field or enum numbers other than the ones the producer's generated "
        "code writes. Write the number in decimal.",
    ),
    "PROTO_ERROR": (
        "protoc rejected the file.",
        "The message gives protoc's explanation; fix the schema so that protoc accepts it.",
    ),
}
