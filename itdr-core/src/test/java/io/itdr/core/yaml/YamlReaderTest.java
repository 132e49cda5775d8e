package io.itdr.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.itdr.core.yaml.YamlReader.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

class YamlReaderTest {

    private static Node root(String yaml) {
        return YamlReader.compose(yaml, new LoaderOptions()).root();
    }

    /** The value of {@code v: <scalar>}. */
    private static Node value(String scalar) {
        return ((MappingNode) root("v: " + scalar + "\n")).getValue().get(0).getValueNode();
    }

    // ---- composing ----

    @Test
    void emptyTextHasNoDocument() {
        assertThat(YamlReader.compose("# only a comment\n", new LoaderOptions()))
                .isEqualTo(new YamlReader.Document(null, null, null));
    }

    @Test
    void aSecondDocumentIsNotedWithItsSeparatorAndContentAndTheFirstIsKept() {
        YamlReader.Document document = YamlReader.compose("a: 1\n---\n# note\nb: 2\n", new LoaderOptions());

        assertThat(document.root()).isInstanceOf(MappingNode.class);
        assertThat(YamlReader.line(document.nextDocument())).isEqualTo(2);
        assertThat(YamlReader.line(document.nextContent())).isEqualTo(4);
    }

    @Test
    void syntaxErrorCarriesTheProblemItsPlaceAndWhereReadingLastSucceeded() {
        YamlSyntaxException e = catchThrowableOfType(YamlSyntaxException.class,
                () -> YamlReader.compose("a: 1\nb: \"unterminated\n", new LoaderOptions()));

        assertThat(e.reason()).isEqualTo("found unexpected end of stream (while scanning a quoted scalar)");
        assertThat(YamlReader.line(e.mark())).isEqualTo(3);
        assertThat(YamlReader.line(e.lastRead())).isEqualTo(2); // after the key b
        assertThat(e.getMessage()).startsWith("while scanning a quoted scalar");
    }

    @Test
    void limitsAreEnforcedAsSyntaxErrorsWithoutAPlace() {
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(2);
        YamlSyntaxException e = catchThrowableOfType(YamlSyntaxException.class,
                () -> YamlReader.compose("a: &a [x]\nb: [*a, *a, *a]\n", limits));

        assertThat(e.mark()).isNull();
        assertThat(e.reason()).contains("aliases");
    }

    // ---- what a value is ----

    @Test
    void kindFollowsTheTagButKeepsValuesWrittenAsText() {
        assertThat(Kind.values()).extracting(Kind::description)
                .containsExactly("a mapping", "a list", "a string", "a number", "a boolean", "null", "binary data");
        assertThat(YamlReader.kind(value("16509"))).isEqualTo(Kind.NUMBER);
        assertThat(YamlReader.kind(value("\"16509\""))).isEqualTo(Kind.TEXT);
        assertThat(YamlReader.kind(value("1.5"))).isEqualTo(Kind.NUMBER);
        assertThat(YamlReader.kind(value("yes"))).isEqualTo(Kind.BOOLEAN);
        assertThat(YamlReader.kind(value("~"))).isEqualTo(Kind.NULL);
        assertThat(YamlReader.kind(value(""))).as("key with nothing after it").isEqualTo(Kind.TEXT);
        assertThat(YamlReader.kind(value("1:30"))).as("base 60").isEqualTo(Kind.TEXT);
        assertThat(YamlReader.kind(value("!!int abc"))).isEqualTo(Kind.TEXT);
        assertThat(YamlReader.kind(value("2001-12-14"))).isEqualTo(Kind.TEXT);
        assertThat(YamlReader.kind(value("!!binary aGk="))).isEqualTo(Kind.BINARY);
        assertThat(YamlReader.kind(value("[a]"))).isEqualTo(Kind.LIST);
        assertThat(YamlReader.kind(value("{a: 1}"))).isEqualTo(Kind.MAPPING);
    }

    // ---- keys ----

    @Test
    void keyProblemsAreFoundAnywhereAndAnAliasedSubtreeOnce() {
        Node root = root("""
                a: 1
                list:
                  - {x: 1, x: 2}
                ignored: &m
                  deep: {y: 1, y: 2}
                again: *m
                ? [complex]
                : 3
                a: 4
                """);

        assertThat(YamlReader.keyProblems(root))
                .extracting(p -> p.path(), p -> YamlReader.line(p.key()), p -> p.first() == null ? 0 : YamlReader.line(p.first()))
                .containsExactly(tuple("list[0].x", 3, 3), tuple("ignored.deep.y", 5, 5), tuple("", 7, 0), tuple("a", 9, 1));
    }

    @Test
    void keyProblemsEndOnARecursiveAlias() {
        assertThat(YamlReader.keyProblems(root("a: &a [*a, {b: 1, b: 2}]\n"))).hasSize(1);
    }

    @Test
    void fieldsReportUnknownDuplicateAndMissingKeysWithTheirPlaces() {
        YamlReader reader = new YamlReader();
        YamlReader.Fields fields = reader.fields(root("""
                rules:
                  - id: r
                    rung: a
                    rung: b
                    whne: x
                """), "", Set.of("rules"));
        YamlReader.Fields rule = reader.fields(reader.sequence(fields.get("rules"), "rules").get(0), "rules[0]",
                Set.of("id", "rung", "when"));

        assertThat(rule.require("when")).isNull();
        assertThat(rule.get("rung")).isEqualTo(rule.node().getValue().get(1).getValueNode()); // the first one is kept
        assertThat(reader.problems()).containsExactly(
                new YamlProblem(4, 5, "rules[0].rung", "duplicate key 'rung' (first at line 3)"),
                new YamlProblem(5, 5, "rules[0].whne", "unknown key 'whne'; expected one of [id, rung, when]"),
                new YamlProblem(2, 5, "rules[0].when", "missing required key 'when'"));
    }

    @Test
    void entriesKeepTheFirstOfEachKeyAndRecordNothing() {
        YamlReader reader = new YamlReader();
        YamlReader.Fields fields = reader.entries((MappingNode) root("b: 1\na: 2\nb: 3\n"), "top");

        assertThat(fields.keys()).containsExactly("b", "a");
        assertThat(fields.path("a")).isEqualTo("top.a");
        assertThat(YamlReader.line(fields.get("b"))).isEqualTo(1);
        assertThat(reader.problems()).isEmpty();
    }

    // ---- conversions ----

    @Test
    void conversionsReturnTheValueOrNullAfterRecordingWhy() {
        YamlReader reader = new YamlReader();

        assertThat(reader.integer(value("3"), "n", 1)).isEqualTo(3);
        assertThat(reader.integer(value("0"), "n", 1)).isNull();
        assertThat(reader.number(value("0.5"), "x", 0, 1)).isEqualTo(0.5);
        assertThat(reader.bool(value("false"), "b")).isFalse();
        assertThat(reader.bool(value("maybe"), "b")).isNull();
        assertThat(reader.duration(value("PT1H"), "d")).isEqualTo(Duration.ofHours(1));
        assertThat(reader.duration(value("PT0S"), "d")).isNull();
        assertThat(reader.name(value("~"), "s")).isNull();
        assertThat(reader.strings(value("[a, b]"), "l")).isEqualTo(List.of("a", "b"));
        assertThat(reader.problems()).extracting(YamlProblem::path, YamlProblem::reason).containsExactly(
                tuple("n", "must be at least 1, found 0"),
                tuple("b", "expected true or false, found 'maybe'"),
                tuple("d", "must be a positive duration, found PT0S"),
                tuple("s", "has no value; expected a string"));
    }
}
