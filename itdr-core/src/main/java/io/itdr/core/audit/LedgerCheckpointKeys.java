package io.itdr.core.audit;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys of the ledger checkpoints, from the JDK alone: a private key as PKCS#8, a public key
 * as X.509 SubjectPublicKeyInfo, each read from PEM or from bare base64. Stateless and thread-safe.
 * Errors never quote key material.
 */
public final class LedgerCheckpointKeys {
    public static final String ALGORITHM = "Ed25519";

    private LedgerCheckpointKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 PKCS#8 private key */
    public static PrivateKey privateKey(String pemOrBase64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pemOrBase64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 private key in PKCS#8 (PEM or base64)");
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 X.509 public key */
    public static PublicKey publicKey(String pemOrBase64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(pemOrBase64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in X.509 (PEM or base64)");
        }
    }

    /**
     * The public key of a private key. The JDK has no call for it, but its Ed25519 generator takes
     * the private key's 32 bytes from the random source it is given and computes the public key from
     * them (RFC 8032 §5.1.5); feeding it those bytes yields the pair. A signature made with the
     * private key is checked with the result, so a generator that works differently fails loudly here
     * instead of producing a wrong key.
     *
     * @throws IllegalStateException when the public key cannot be derived; configure it instead
     */
    public static PublicKey derivePublicKey(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalStateException("the public key cannot be derived from this private key; configure it");
        }
        byte[] seed = ed.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(255, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            PublicKey candidate = generator.generateKeyPair().getPublic();
            byte[] probe = "itdr-ledger-checkpoint-key-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (!verify(candidate, probe, sign(privateKey, probe))) {
                throw new IllegalStateException("the public key cannot be derived from the private key with this JDK; configure it");
            }
            return candidate;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the public key cannot be derived from the private key; configure it", e);
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    static byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(ALGORITHM);
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signatureBytes) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(ALGORITHM);
        signature.initVerify(key);
        signature.update(data);
        return signature.verify(signatureBytes);
    }

    private static byte[] der(String pemOrBase64) {
        String body = pemOrBase64.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
