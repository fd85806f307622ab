import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * The Avro 1.11 variant of ../AvroVerdicts.java (same input and output lines), for Confluent
 * Platform releases whose Schema Registry runs Avro 1.11.x: every 7.x, 8.0.0-8.0.2 and 8.1.0
 * (avro.version in io.confluent:common's pom.xml). Their AvroSchema.getParser is a plain
 * {@code new Schema.Parser()} (which checks names with Avro 1.11's letter-or-digit rule, namespaces
 * unchecked) with {@code setValidateDefaults(isNew)}:
 *   "new": names checked, defaults validated (a schema registered now);
 *   "reg": names checked, defaults not validated (an earlier, registered version).
 * There is no NameValidator in 1.11 and no separate UTF name check. References are parsed first by
 * the same parser; the compatibility check is the same call on the "reg" parses.
 */
public final class AvroVerdicts {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Schema parseNew(String text, List<String> references) {
    Schema.Parser parser = new Schema.Parser();
    parser.setValidateDefaults(true);
    for (String reference : references) {
      parser.parse(reference);
    }
    return parser.parse(text);
  }

  private static Schema parseRegistered(String text, List<String> references) {
    Schema.Parser parser = new Schema.Parser();
    parser.setValidateDefaults(false);
    for (String reference : references) {
      parser.parse(reference);
    }
    return parser.parse(text);
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
