package io.tajo.connectors.mapping;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Every {@code <connector>.yaml} of a mappings directory, checked and compiled at load. */
public final class Mappings {
    private final Path dir;
    private final Map<String, MappingFile> files;

    private Mappings(Path dir, Map<String, MappingFile> files) {
        this.dir = dir;
        this.files = files;
    }

    /** Throws MappingFileException with the first problem of the first faulty file. */
    public static Mappings load(Path dir, BrevoAttributeTypes types, String defaultPhoneRegion) {
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(defaultPhoneRegion)) {
            throw new IllegalArgumentException("unknown phone region '" + defaultPhoneRegion + "' (expected e.g. US or CA)");
        }
        Map<String, MappingFile> files = new TreeMap<>();
        for (Path file : MappingFile.listIn(dir)) {
            MappingFile mappingFile = MappingFile.read(file, types, defaultPhoneRegion);
            if (!mappingFile.problems().isEmpty()) {
                throw new MappingFileException(mappingFile.problems().get(0));
            }
            files.put(MappingFile.connectorOf(file), mappingFile);
        }
        return new Mappings(dir, files);
    }

    public ResourceMapping resource(String connector, String resource) {
        MappingFile file = files.get(connector);
        if (file == null) {
            throw new IllegalArgumentException("no section '" + resource + "': there is no "
                    + dir.resolve(connector + ".yaml"));
        }
        return file.section(resource).orElseThrow(() -> new IllegalArgumentException(
                "no section '" + resource + "' in " + file.file()));
    }

    public Set<String> connectors() {
        return Collections.unmodifiableSet(files.keySet());
    }
}
