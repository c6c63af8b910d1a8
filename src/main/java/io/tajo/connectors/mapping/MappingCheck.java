package io.tajo.connectors.mapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds every problem in the mapping files, for {@code tajo mappings check [connector]}. */
public final class MappingCheck {
    // the phone region changes the numbers a mapping sends, never whether a file is valid
    private static final String ANY_PHONE_REGION = "US";

    private MappingCheck() {
    }

    /** Checks every mapping file of {@code dir}, or only the connector's; IllegalArgumentException if it has none. */
    public static List<MappingProblem> check(Path dir, BrevoAttributeTypes types, Optional<String> connector) {
        List<Path> files = MappingFile.listIn(dir).stream()
                .filter(file -> connector.map(MappingFile.connectorOf(file)::equals).orElse(true))
                .toList();
        if (connector.isPresent() && files.isEmpty()) {
            throw new IllegalArgumentException("no mapping file " + dir.resolve(connector.get() + ".yaml"));
        }
        return files.stream()
                .flatMap(file -> MappingFile.read(file, types, ANY_PHONE_REGION).problems().stream())
                .toList();
    }
}
