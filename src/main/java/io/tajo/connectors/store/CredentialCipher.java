package io.tajo.connectors.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts stored credentials with AES-256-GCM under a key derived from {@code TAJO_MASTER_KEY} (PBKDF2, so a
 * passphrase is acceptable too). Each value gets its own random IV and is bound to its row and column
 * (associated data), so a ciphertext copied into another row or column does not decrypt.
 */
public final class CredentialCipher {

    private static final String FORMAT = "v1:";
    private static final byte[] SALT = "tajo-connectors/connector-credential/v1".getBytes(StandardCharsets.UTF_8);
    private static final int ITERATIONS = 210_000;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    // PBKDF2 is deliberately slow: derive once per master key and process
    private static final Map<String, SecretKey> KEYS = new ConcurrentHashMap<>();

    private final SecretKey key;

    private CredentialCipher(SecretKey key) {
        this.key = key;
    }

    public static CredentialCipher fromMasterKey(String masterKey) {
        if (masterKey == null || masterKey.isBlank()) {
            throw new IllegalArgumentException("no master key");
        }
        return new CredentialCipher(KEYS.computeIfAbsent(fingerprint(masterKey), ignored -> derive(masterKey)));
    }

    public String encrypt(String plaintext, String context) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return FORMAT + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a credential: " + e.getMessage(), e);
        }
    }

    public String decrypt(String stored, String context) {
        if (stored == null) {
            return null;
        }
        if (!stored.startsWith(FORMAT)) {
            throw new IllegalStateException("A stored credential is not in a known encrypted format");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(FORMAT.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("TAJO_MASTER_KEY does not decrypt the stored credentials "
                    + "(it differs from the key they were stored with): set the original key, or connect again");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot decrypt a stored credential: " + e.getMessage());
        }
    }

    private static SecretKey derive(String masterKey) {
        try {
            PBEKeySpec spec = new PBEKeySpec(masterKey.toCharArray(), SALT, ITERATIONS, 256);
            byte[] bytes = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
            return new SecretKeySpec(bytes, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot derive the credential key: " + e.getMessage(), e);
        }
    }

    private static String fingerprint(String masterKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(masterKey.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
