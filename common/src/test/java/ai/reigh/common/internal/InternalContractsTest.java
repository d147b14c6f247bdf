package ai.reigh.common.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.Problem;
import ai.reigh.common.json.StrictJsonCustomizer;

/**
 * Rolling upgrades: every type exchanged between the services — each class of this package, found by
 * scanning it (a type added tomorrow is checked tomorrow), and the problem body of their error answers
 * — is read by the services' own reader even when the body carries fields this release does not
 * know, as a newer sender or receiver writes them. (Public bodies stay strict: {@code TolerantContractsTest}.)
 */
class InternalContractsTest {
    /** As Quarkus builds the services' mapper: every module on the classpath, then the shared customizer. */
    private static final ObjectMapper JSON = StrictJsonCustomizer.apply(new ObjectMapper().findAndRegisterModules());
    private static final String PACKAGE = InternalContractsTest.class.getPackageName();

    @Test
    void everyTypeOfTheInternalPackageReadsABodyWithFieldsOfANewerRelease() throws Exception {
        List<Class<?>> contracts = contractTypes();
        assertThat(contracts.stream().map(Class::getSimpleName).toList()).as("the scan finds the package's types")
                .contains("ChargeRequest", "GenerationFromTask", "GenerationRef", "LedgerEntryView", "ConfirmTaskOutput",
                        "StorageObjectView", "ObjectDeletions", "TaskLeaseView");
        List<Class<?>> checked = new ArrayList<>(contracts);
        // The body of every internal error answer (RFC 9457 allows extension members).
        checked.add(Problem.class);
        checked.add(FieldError.class);
        List<String> refused = new ArrayList<>();
        for (Class<?> type : checked) {
            assertThat(type.isRecord()).as("%s is a record (one definition, no setters)", type.getName()).isTrue();
            Object sample = sample(type);
            // The body as this release writes it, with a newer release's fields in front (text, as on the wire).
            String body = "{\"field_from_a_newer_release\": \"ignored\", \"another_new_object\": {\"nested\": [1]},"
                    + JSON.writeValueAsString(sample).substring(1);
            try {
                Object read = JSON.readValue(body, type);
                assertThat(read).as("%s read back with the unknown fields ignored", type.getSimpleName()).isEqualTo(sample);
            } catch (UnrecognizedPropertyException strict) {
                refused.add(type.getSimpleName());
            }
        }
        assertThat(refused).as("internal types that refuse a field they do not know").isEmpty();
    }

    /** Every top-level and nested class compiled into this package (test classes excluded). */
    static List<Class<?>> contractTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        String folder = PACKAGE.replace('.', '/');
        TreeSet<String> names = new TreeSet<>();
        Enumeration<URL> roots = InternalContractsTest.class.getClassLoader().getResources(folder);
        while (roots.hasMoreElements()) {
            URL root = roots.nextElement();
            if (root.getProtocol().equals("jar")) {
                try (JarFile jar = ((JarURLConnection) root.openConnection()).getJarFile()) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                        String entry = entries.nextElement().getName();
                        if (entry.startsWith(folder + "/") && entry.indexOf('/', folder.length() + 1) < 0) {
                            names.add(entry.substring(folder.length() + 1));
                        }
                    }
                }
            } else {
                String[] files = new File(root.toURI()).list();
                names.addAll(files == null ? List.of() : List.of(files));
            }
        }
        List<Class<?>> types = new ArrayList<>();
        for (String file : names) {
            if (!file.endsWith(".class") || file.startsWith("package-info")) {
                continue;
            }
            Class<?> type = Class.forName(PACKAGE + "." + file.substring(0, file.length() - ".class".length()));
            // Only the main classes: this test (and anything else under src/test) is not a contract.
            if (type.getProtectionDomain().getCodeSource().equals(Problem.class.getProtectionDomain().getCodeSource())
                    && !type.isAnnotation() && !type.isInterface()) {
                types.add(type);
            }
        }
        return types;
    }

    /** An instance with a value in every component, so that the round trip compares something. */
    static Object sample(Class<?> type) throws ReflectiveOperationException {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = value(components[i].getGenericType(), i);
        }
        return type.getDeclaredConstructor(types).newInstance(values);
    }

    private static Object value(Type type, int position) {
        if (type instanceof ParameterizedType generic && generic.getRawType() == List.class) {
            return List.of(value(generic.getActualTypeArguments()[0], position));
        }
        Class<?> raw = (Class<?>) type;
        if (raw == UUID.class) {
            return UUID.nameUUIDFromBytes(new byte[] { (byte) position });
        }
        if (raw == String.class) {
            return "text-" + position;
        }
        if (raw == Instant.class) {
            return Instant.parse("2026-01-02T03:04:05.123456Z").plusSeconds(position);
        }
        if (raw == BigDecimal.class) {
            return new BigDecimal("12.250");
        }
        if (raw == long.class || raw == Long.class) {
            return 40L + position;
        }
        if (raw == int.class || raw == Integer.class) {
            return 40 + position;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return Boolean.TRUE;
        }
        if (raw == JsonNode.class) {
            return JSON.valueToTree(Map.of("prompt", "a fox", "position", position));
        }
        if (raw.isRecord()) {
            try {
                return sample(raw);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no sample value for " + type + ": add one to this test");
    }
}
