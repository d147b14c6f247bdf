package ai.reigh.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The signing keys of a test run: a fresh RSA pair per JVM, written as PEM files that the services
 * under test are pointed at (verification key, service signing key).
 */
public final class TestKeys {
    private static TestKeys shared;

    private final KeyPair pair;
    private final Path publicKeyFile;
    private final Path privateKeyFile;

    private TestKeys(KeyPair pair, Path publicKeyFile, Path privateKeyFile) {
        this.pair = pair;
        this.publicKeyFile = publicKeyFile;
        this.privateKeyFile = privateKeyFile;
    }

    public static synchronized TestKeys shared() {
        if (shared == null) {
            try {
                KeyPair pair = newPair();
                Path dir = Files.createTempDirectory("reigh-keys-");
                Path publicKey = Files.writeString(dir.resolve("public.pem"),
                        pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                Path privateKey = Files.writeString(dir.resolve("private.pem"),
                        pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                shared = new TestKeys(pair, publicKey, privateKey);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Processes.deleteRecursively(dir)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public KeyPair pair() {
        return pair;
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }
}
