import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.avro.NameValidator;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Reads lines of JSON arrays [readerText, writerText] or [readerText, writerText, [referenceText...]]
 * and prints, per line, one JSON object with
 * Apache Avro Java's answers, parsing as Confluent Schema Registry does:
 *   "new":  strict names, defaults validated (a schema registered now);
 *   "reg":  no name validation and no default validation, then the UTF name check on record,
 *           enum and fixed names, field names and enum symbols (an earlier, registered version).
 * References are parsed first, in order, by the same parser, as Confluent's AvroSchema does with
 * resolvedReferences. The compatibility check runs on the "reg" parse of both sides (the most lenient parse; a
 * default's validity does not change the parsed schema's shape), as Confluent's
 * isBackwardCompatible calls it, an exception reported as Confluent reports it.
 */
public final class AvroVerdicts {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Schema parseNew(String text, List<String> references) {
    Schema.Parser parser = new Schema.Parser(NameValidator.STRICT_VALIDATOR);
    parser.setValidateDefaults(true);
    for (String reference : references) {
      parser.parse(reference);
    }
    return parser.parse(text);
  }

  private static Schema parseRegistered(String text, List<String> references) {
    Schema.Parser parser = new Schema.Parser(NameValidator.NO_VALIDATION);
    parser.setValidateDefaults(false);
    for (String reference : references) {
      parser.parse(reference);
    }
    Schema schema = parser.parse(text);
    checkNames(schema, Collections.newSetFromMap(new IdentityHashMap<>()));
    return schema;
  }

  private static void checkName(String name) {
    NameValidator.Result result = NameValidator.UTF_VALIDATOR.validate(name);
    if (!result.isOK()) {
      throw new org.apache.avro.SchemaParseException(result.getErrors());
    }
  }

  private static void checkNames(Schema schema, Set<Schema> seen) {
    if (schema == null || !seen.add(schema)) {
      return;
    }
    switch (schema.getType()) {
      case RECORD:
        checkName(schema.getName());
        for (Schema.Field field : schema.getFields()) {
          checkName(field.name());
          checkNames(field.schema(), seen);
        }
        break;
      case ENUM:
        checkName(schema.getName());
        for (String symbol : schema.getEnumSymbols()) {
          checkName(symbol);
        }
        break;
      case FIXED:
        checkName(schema.getName());
        break;
      case ARRAY:
        checkNames(schema.getElementType(), seen);
        break;
      case MAP:
        checkNames(schema.getValueType(), seen);
        break;
      case UNION:
        for (Schema branch : schema.getTypes()) {
          checkNames(branch, seen);
        }
        break;
      default:
        break;
    }
  }

  private static String describe(Throwable error) {
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      ObjectNode answer = MAPPER.createObjectNode();
      try {
        JsonNode pair = MAPPER.readTree(line);
        List<String> references = new ArrayList<>();
        if (pair.size() > 2) {
          for (JsonNode reference : pair.get(2)) {
            references.add(reference.asText());
          }
        }
        String[] names = {"r", "w"};
        Schema[] lenient = new Schema[2];
        for (int side = 0; side < 2; side++) {
          JsonNode textNode = pair.get(side);
          if (textNode == null || textNode.isNull()) {
            continue;
          }
          String text = textNode.asText();
          try {
            parseNew(text, references);
            answer.putNull(names[side] + "_new");
          } catch (Throwable error) {
            answer.put(names[side] + "_new", describe(error));
          }
          try {
            lenient[side] = parseRegistered(text, references);
            answer.putNull(names[side] + "_reg");
          } catch (Throwable error) {
            answer.put(names[side] + "_reg", describe(error));
          }
        }
        if (lenient[0] != null && lenient[1] != null) {
          try {
            SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(lenient[0], lenient[1]);
            answer.put("compat", result.getType().toString());
            ArrayNode found = answer.putArray("inc");
            for (SchemaCompatibility.Incompatibility item : result.getResult().getIncompatibilities()) {
              ArrayNode entry = found.addArray();
              entry.add(item.getType().toString());
              entry.add(item.getLocation());
              entry.add(item.getMessage());
            }
          } catch (Throwable error) {
            answer.put("compat", "EXCEPTION");
            answer.put("exc", describe(error));
          }
        }
      } catch (Throwable error) {
        answer.put("harness_error", describe(error));
      }
      out.println(MAPPER.writeValueAsString(answer));
      out.flush();
    }
  }
}
