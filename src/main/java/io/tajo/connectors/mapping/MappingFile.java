package io.tajo.connectors.mapping;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** One {@code mappings/<connector>.yaml}: its sections compiled for mapping, and every problem found on the way. */
final class MappingFile {
    private static final String EXTENSION = ".yaml";
    private static final LoadSettings YAML = LoadSettings.builder().build();
    private static final Set<String> LONG_FORM_KEYS = Set.of("from", "to", "transform", "separator", "default", "value");
    private static final String DEFAULT_SEPARATOR = ", ";
    // [ starts a list inside {...}, so an unquoted path such as addresses[0].city breaks a flow mapping
    private static final String QUOTE_PATH_HINT = "; inside {...} quote a path with an index: from: \"addresses[0].city\"";

    private final Path file;
    private final BrevoAttributeTypes types;
    private final String phoneRegion;
    private final Map<String, ResourceMapping> sections = new LinkedHashMap<>();
    private final List<MappingProblem> problems = new ArrayList<>();

    private MappingFile(Path file, BrevoAttributeTypes types, String phoneRegion) {
        this.file = file;
        this.types = types;
        this.phoneRegion = phoneRegion;
    }

    /** The mapping files of a directory, by name. */
    static List<Path> listIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(EXTENSION)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list mapping files in " + dir, e);
        }
    }

    static String connectorOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - EXTENSION.length());
    }

    static MappingFile read(Path file, BrevoAttributeTypes types, String phoneRegion) {
        MappingFile mappingFile = new MappingFile(file, types, phoneRegion);
        mappingFile.read();
        return mappingFile;
    }

    Path file() {
        return file;
    }

    List<MappingProblem> problems() {
        return problems;
    }

    Optional<ResourceMapping> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    private void read() {
        try (Reader reader = Files.newBufferedReader(file)) {
            new Compose(YAML).composeReader(reader).ifPresent(this::readSections);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(mark -> mark.getLine() + 1).orElse(1);
            String hint = e.getProblem().endsWith("got [") ? QUOTE_PATH_HINT : "";
            problems.add(new MappingProblem(file, line, null, "invalid YAML: " + e.getProblem() + hint));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void readSections(Node root) {
        if (!(root instanceof MappingNode sectionNodes)) {
            report(root, null, "expected resource sections (customers: ...) at the top level");
            return;
        }
        for (NodeTuple section : sectionNodes.getValue()) {
            readSection(section);
        }
    }

    private void readSection(NodeTuple section) {
        String name = text(section.getKeyNode());
        MappingNode fieldMapping = null;
        Map<String, Object> settings = new LinkedHashMap<>();
        if (section.getValueNode() instanceof MappingNode body) {
            for (NodeTuple entry : body.getValue()) {
                String key = text(entry.getKeyNode());
                if (key.equals("field_mapping") && entry.getValueNode() instanceof MappingNode fields) {
                    fieldMapping = fields;
                } else {
                    settings.put(key, new StandardConstructor(YAML).constructSingleDocument(Optional.of(entry.getValueNode())));
                }
            }
        }
        if (fieldMapping == null) {
            report(section.getKeyNode(), null, "section '" + name
                    + "' has no field_mapping (a map of source fields to Brevo attributes)");
            return;
        }
        List<FieldMapping> fields = new ArrayList<>();
        for (NodeTuple field : fieldMapping.getValue()) {
            readField(field).ifPresent(fields::add);
        }
        sections.put(name, new ResourceMapping(fields, settings));
    }

    private Optional<FieldMapping> readField(NodeTuple field) {
        Node key = field.getKeyNode();
        String label = text(key);
        if (isString(field.getValueNode())) {
            Definition shortForm = new Definition(key, label, label, text(field.getValueNode()), List.of(),
                    DEFAULT_SEPARATOR, null, null);
            return compile(shortForm);
        }
        if (field.getValueNode() instanceof MappingNode longForm) {
            return readLongForm(key, label, longForm).flatMap(this::compile);
        }
        report(key, label, "field '" + label + "': expected a Brevo attribute name or a map with 'to'");
        return Optional.empty();
    }

    private Optional<Definition> readLongForm(Node key, String label, MappingNode longForm) {
        int problemsBefore = problems.size();
        String description = "field '" + label + "'";
        Map<String, Node> options = new LinkedHashMap<>();
        for (NodeTuple option : longForm.getValue()) {
            String name = text(option.getKeyNode());
            if (LONG_FORM_KEYS.contains(name)) {
                options.put(name, option.getValueNode());
            } else {
                report(option.getKeyNode(), label, description + ": unknown key '" + name + "' (expected one of "
                        + LONG_FORM_KEYS.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
        Optional<ScalarNode> to = scalar(options, "to", label, description);
        if (to.isEmpty()) {
            report(key, label, description + ": the long form needs 'to' naming the Brevo attribute");
            return Optional.empty();
        }
        description += " -> " + to.get().getValue();
        String from = scalar(options, "from", label, description).map(ScalarNode::getValue).orElse(label);
        String separator = scalar(options, "separator", label, description).map(ScalarNode::getValue)
                .orElse(DEFAULT_SEPARATOR);
        Object defaultValue = scalar(options, "default", label, description).map(MappingFile::valueOf).orElse(null);
        Object constant = scalar(options, "value", label, description).map(MappingFile::valueOf).orElse(null);
        List<Transform> transforms = transforms(options.get("transform"), label, description);
        if (problems.size() > problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(new Definition(key, label, from, to.get().getValue(), transforms, separator,
                defaultValue, constant));
    }

    /** A long-form option that must be a single value; reports it when it is a list or map. */
    private Optional<ScalarNode> scalar(Map<String, Node> options, String name, String label, String description) {
        Node node = options.get(name);
        if (node == null || node instanceof ScalarNode) {
            return Optional.ofNullable((ScalarNode) node);
        }
        report(node, label, description + ": '" + name + "' must be a single value");
        return Optional.empty();
    }

    private List<Transform> transforms(Node node, String label, String description) {
        List<Node> names = node == null ? List.of()
                : node instanceof SequenceNode sequence ? sequence.getValue()
                : List.of(node);
        List<Transform> transforms = new ArrayList<>();
        for (Node name : names) {
            Optional<Transform> transform = name instanceof ScalarNode scalar
                    ? Transform.named(scalar.getValue())
                    : Optional.empty();
            transform.ifPresentOrElse(transforms::add, () -> report(name, label, description
                    + ": unknown transform '" + text(name) + "' (expected one of " + Stream.of(Transform.values())
                    .map(Transform::label).collect(Collectors.joining(", ")) + ")"));
        }
        return transforms;
    }

    private Optional<FieldMapping> compile(Definition field) {
        int problemsBefore = problems.size();
        String description = "field '" + field.label() + "' -> " + field.target();
        SourcePath source = null;
        try {
            source = SourcePath.parse(field.from());
        } catch (IllegalArgumentException e) {
            report(field.at(), field.label(), description + ": " + e.getMessage());
        }
        Optional<AttributeType> declared = field.target().equals(FieldMapping.IDENTIFIER)
                ? Optional.of(AttributeType.TEXT)
                : types.typeOf(field.target());
        if (declared.isEmpty()) {
            report(field.at(), field.label(), description + ": " + field.target()
                    + " is not declared; declare it in tajo.brevo.attribute-types, e.g. " + field.target() + ":text");
        }
        boolean isConst = field.transforms().contains(Transform.CONST);
        if (isConst && field.constant() == null) {
            report(field.at(), field.label(), description + ": transform const needs a 'value'");
        } else if (declared.isPresent()) {
            typeMismatch(field, declared.get())
                    .ifPresent(mismatch -> report(field.at(), field.label(), description + ": " + mismatch));
        }
        if (problems.size() > problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(new FieldMapping(description, field.target(), source, isConst ? field.constant() : null,
                field.defaultValue(), steps(field, declared.get())));
    }

    /** What is wrong with the type a transform chain sends, if anything. */
    private static Optional<String> typeMismatch(Definition field, AttributeType declared) {
        List<Transform> transforms = field.transforms();
        // the last transform with a known output decides; raw values and default are coerced to the declared type
        for (int i = transforms.size() - 1; i >= 0; i--) {
            Transform transform = transforms.get(i);
            if (transform == Transform.CONST) {
                return constantFits(field.constant(), declared) ? Optional.empty()
                        : Optional.of(mismatch(transform, typeOf(field.constant()), field.target(), declared));
            }
            if (transform.output != null) {
                return transform.output == declared ? Optional.empty()
                        : Optional.of(mismatch(transform, transform.output, field.target(), declared));
            }
        }
        return Optional.empty();
    }

    private static String mismatch(Transform transform, AttributeType sent, String target, AttributeType declared) {
        return "transform " + transform.label() + " sends " + sent.label() + ", " + target + " is " + declared.label();
    }

    private static boolean constantFits(Object constant, AttributeType declared) {
        return switch (declared) {
            case TEXT -> constant instanceof String;
            case FLOAT -> constant instanceof BigDecimal;
            case BOOLEAN -> constant instanceof Boolean;
            case DATE -> constant instanceof String text && Conversions.isDate(text);
        };
    }

    private static AttributeType typeOf(Object constant) {
        return constant instanceof BigDecimal ? AttributeType.FLOAT
                : constant instanceof Boolean ? AttributeType.BOOLEAN
                : AttributeType.TEXT;
    }

    private List<Conversion> steps(Definition field, AttributeType declared) {
        List<Transform> transforms = field.transforms();
        List<Conversion> steps = new ArrayList<>();
        // const replaces the source, so transforms before it would have nothing to act on
        for (Transform transform : transforms.subList(transforms.lastIndexOf(Transform.CONST) + 1, transforms.size())) {
            steps.add(switch (transform) {
                case NUMBER -> Conversions::toNumber;
                case INTEGER -> Conversions::toInteger;
                case BOOLEAN -> Conversions::toBoolean;
                case DATE -> Conversions::toDate;
                case E164 -> Conversions.e164(phoneRegion);
                case LOWER -> Conversions::lower;
                case TRIM -> Conversions::trim;
                case JOIN -> Conversions.join(field.separator());
                case DEFAULT, CONST -> value -> value; // the default and the constant stand in for the source
            });
        }
        steps.add(Conversions.coercionTo(declared));
        if (field.target().equals(FieldMapping.IDENTIFIER)) {
            steps.add(Conversions::trim);
            steps.add(Conversions::lower);
        }
        return steps;
    }

    /** A YAML scalar as a mapping value: String, BigDecimal, Boolean, or null. */
    private static Object valueOf(ScalarNode scalar) {
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return Boolean.valueOf(scalar.getValue());
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            try {
                return Conversions.toNumber(scalar.getValue());
            } catch (InvalidValueException e) {
                return scalar.getValue(); // .inf and .nan: no Brevo number, so they stay text
            }
        }
        return scalar.getValue();
    }

    private static boolean isString(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR);
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue()
                : String.valueOf(new StandardConstructor(YAML).constructSingleDocument(Optional.of(node)));
    }

    private void report(Node at, String field, String message) {
        int line = at.getStartMark().map(Mark::getLine).orElse(0) + 1;
        problems.add(new MappingProblem(file, line, field, message));
    }

    /** A field_mapping entry as written, before it is checked and compiled. */
    private record Definition(Node at, String label, String from, String target, List<Transform> transforms,
            String separator, Object defaultValue, Object constant) {
    }
}
