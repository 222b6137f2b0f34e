package io.natt.wire;

/**
 * Hand-built test vectors, written out literally. Each length field is annotated with the sum that
 * gives it. IPv4 header example (checksum b861) is the well-known Wikipedia example; the ICMP echo
 * (checksum 4d5a) is the classic Windows ping with id 1 / seq 1 /
 * "abcdefghijklmnopqrstuvwabcdefghi".
 */
final class Vectors {
  private Vectors() {}

  static final String ICOOKIE = "8b1d2c3a4f5e6d70";
  static final String RCOOKIE = "2f9e8d7c6b5a4938";

  /** Main Mode message 1, strongSwan-like initiator. Total 28 + 60 + 3 * 20 = 148 = 0x94. */
  static final String MM1 =
      // ISAKMP header: icookie, rcookie 0, np SA(1), ver 1.0, exch 2 (Main), flags 0, mid 0, len
      // 0x94
      "8b1d2c3a4f5e6d70 0000000000000000 01 10 02 00 00000000 00000094"
          // SA: np VID(13), len 4 + 8 + 48 = 60 = 0x3c; DOI 1, SIT_IDENTITY_ONLY
          + "0d 00 003c 00000001 00000001"
          // Proposal: np 0, len 8 + 0 + 40 = 48 = 0x30; #1, PROTO_ISAKMP, spi size 0, 1 transform
          + "00 00 0030 01 01 00 01"
          // Transform: np 0, len 8 + 32 = 40 = 0x28; #1, KEY_IKE, reserved
          + "00 00 0028 01 01 0000"
          // attributes: AES-CBC, key length 128, SHA2-256, PSK, MODP2048 (14), life type seconds
          + "80010007 800e0080 80020004 80030001 8004000e 800b0001"
          // life duration as TLV: type 12, length 4, 28800 s
          + "000c 0004 00007080"
          // VID RFC 3947: np VID, len 4 + 16 = 20 = 0x14
          + "0d 00 0014 4a131c81070358455c5728f20e95452f"
          // VID draft-ietf-ipsec-nat-t-ike-03
          + "0d 00 0014 7d9419a65310ca6f2c179d9215529d56"
          // VID DPD (RFC 3706), last: np 0
          + "00 00 0014 afcad71368a1f1c96b8696fc77570100";

  /** KE body: the bytes 00 01 02 ... ff (256 bytes). */
  static final String KE256 =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
          + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
          + "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
          + "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
          + "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
          + "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
          + "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
          + "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

  /** Main Mode message 3: KE(256) / Nonce(32) / NAT-D x2. Total 28 + 260 + 36 + 24 + 24 = 372. */
  static final String MM3 =
      // header: np KE(4), Main, len 372 = 0x174
      "8b1d2c3a4f5e6d70 2f9e8d7c6b5a4938 04 10 02 00 00000000 00000174"
          // KE: np NONCE(10), len 4 + 256 = 260 = 0x104
          + "0a 00 0104"
          + KE256
          // Nonce: np NAT-D(20), len 4 + 32 = 36 = 0x24
          + "14 00 0024 f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"
          // NAT-D: np NAT-D, len 4 + 20 = 24 = 0x18
          + "14 00 0018 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
          // NAT-D: np 0
          + "00 00 0018 99887766554433221100ffeeddccbbaa99887766";

  /**
   * Quick Mode message 1 payload chain (plaintext), starting with HASH (type 8). 24 + 56 + 20 + 16
   * + 3 * 12 = 152 bytes.
   */
  static final String QM1_CHAIN =
      // HASH: np SA, len 4 + 20 = 24 = 0x18
      "01 00 0018 0123456789abcdef0123456789abcdef01234567"
          // SA: np NONCE, len 4 + 8 + 44 = 56 = 0x38; DOI 1, SIT 1
          + "0a 00 0038 00000001 00000001"
          // Proposal: np 0, len 8 + 4 + 32 = 44 = 0x2c; #1, ESP(3), spi size 4, 1 transform; SPI
          + "00 00 002c 01 03 04 01 c1a2b3d4"
          // Transform: np 0, len 8 + 24 = 32 = 0x20; #1, ESP_AES(12), reserved
          + "00 00 0020 01 0c 0000"
          // SA life type seconds; SA life duration TLV 4 bytes 3600; UDP_TUNNEL(3);
          // HMAC-SHA2-256(5); key length 128
          + "80010001 0002 0004 00000e10 80040003 80050005 80060080"
          // Nonce: np ID, len 4 + 16 = 20 = 0x14
          + "05 00 0014 00112233445566778899aabbccddeeff"
          // IDci: np ID, len 4 + 4 + 8 = 16 = 0x10; ID_IPV4_ADDR_SUBNET 10.1.0.0/255.255.255.0
          + "05 00 0010 04 00 0000 0a010000 ffffff00"
          // IDcr: np NAT-OA(21), len 4 + 4 + 4 = 12 = 0x0c; ID_IPV4_ADDR 192.168.1.100
          + "15 00 000c 01 00 0000 c0a80164"
          // NAT-OAi: np NAT-OA, len 12; ID_IPV4_ADDR, reserved, 192.168.1.100
          + "15 00 000c 01 000000 c0a80164"
          // NAT-OAr: np 0, len 12; 203.0.113.5
          + "00 00 000c 01 000000 cb007105";

  /** Informational HASH + Delete chain (starting with HASH). 24 + 20 = 44 bytes. */
  static final String DELETE_CHAIN =
      // HASH: np DELETE(12), len 24
      "0c 00 0018 0123456789abcdef0123456789abcdef01234567"
          // Delete: np 0, len 4 + 8 + 8 = 20 = 0x14; DOI 1, ESP, spi size 4, 2 SPIs
          + "00 00 0014 00000001 03 04 0002 c1a2b3d4 0badcafe";

  /** Plaintext Informational: INITIAL_CONTACT and R_U_THERE. 28 + 28 + 32 = 88 = 0x58. */
  static final String INFO_NOTIFY =
      // header: np NOTIFICATION(11), exch INFORMATIONAL(5), mid 1a2b3c4d, len 0x58
      "8b1d2c3a4f5e6d70 2f9e8d7c6b5a4938 0b 10 05 00 1a2b3c4d 00000058"
          // N: np NOTIFICATION, len 4 + 8 + 16 = 28 = 0x1c; DOI 1, ISAKMP, spi size 16,
          // INITIAL_CONTACT (24578 = 0x6002), SPI = cookies
          + "0b 00 001c 00000001 01 10 6002 8b1d2c3a4f5e6d70 2f9e8d7c6b5a4938"
          // N: np 0, len 4 + 8 + 16 + 4 = 32 = 0x20; R_U_THERE (36136 = 0x8d28), data seq 42
          + "00 00 0020 00000001 01 10 8d28 8b1d2c3a4f5e6d70 2f9e8d7c6b5a4938 0000002a";

  /** Encrypted Informational: np HASH, flags E, len 28 + 32 = 60 = 0x3c. */
  static final String ENCRYPTED =
      "8b1d2c3a4f5e6d70 2f9e8d7c6b5a4938 08 10 05 01 5e6f7081 0000003c"
          + "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

  /** ESP: SPI c1a2b3d4, seq 1, 16-byte IV + 16-byte ciphertext + 16-byte ICV. */
  static final String ESP =
      "c1a2b3d4 00000001"
          + "00112233445566778899aabbccddeeff"
          + "ffeeddccbbaa99887766554433221100"
          + "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

  /** Well-known IPv4 header (Wikipedia), checksum b861: 192.168.0.1 > 192.168.0.199, UDP. */
  static final String IPV4_UDP =
      // ver/ihl 45, tos 0, total 0x73 = 115 = 20 + 95, id 0, DF, ttl 64, UDP, checksum b861
      "45 00 0073 0000 4000 40 11 b861 c0a80001 c0a800c7"
          // UDP 4500 > 4500, length 95 = 0x5f = 8 + 87, checksum eeae
          + "1194 1194 005f eeae"
          // 87 payload bytes 00..56
          + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
          + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
          + "404142434445464748494a4b4c4d4e4f50515253545556";

  /** ICMP echo request id 1 seq 1, 32 bytes "abcdefghijklmnopqrstuvwabcdefghi", checksum 4d5a. */
  static final String ICMP_ECHO =
      "08 00 4d5a 0001 0001 6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869";

  /**
   * Ethernet frame carrying IPv4 10.0.0.1 > 10.0.0.2 ICMP echo (total 20 + 40 = 60 = 0x3c, id
   * 0x1c46, DF, ttl 64, header checksum 0a79).
   */
  static final String ETH_ICMP =
      "02 00 00 00 00 02 02 00 00 00 00 01 0800"
          + "45 00 003c 1c46 4000 40 01 0a79 0a000001 0a000002"
          + ICMP_ECHO;

  static byte[] b(String hex) {
    return Hex.parse(hex);
  }

  /**
   * IKEv2 IKE_SA_INIT request (RFC 7296 3.1): SPIi, SPIr 0, np SA(33), version 2.0, exchange 34,
   * flags I (0x08), mid 0. Payloads: SA (4 + 8 = 12), KE (4 + 4 = 8), Nonce (4 + 8 = 12), N(16388)
   * (4 + 4 + 4 = 12), N(16389) (12). Total 28 + 12 + 8 + 12 + 12 + 12 = 84 = 0x54.
   */
  static final String IKEV2_SA_INIT =
      "8b1d2c3a4f5e6d70 0000000000000000 21 20 22 08 00000000 00000054"
          // SA: np KE(34), flags 0, len 12; a stub proposal body
          + "22 00 000c 0000 0008 01010000"
          // KE: np Nonce(40), len 8; DH group 14, reserved
          + "28 00 0008 000e 0000"
          // Nonce: np N(41), len 12
          + "29 00 000c 0102030405060708"
          // N: np N, len 12; protocol 0, spi size 0, type 16388, 4 bytes of hash
          + "29 00 000c 00 00 4004 aabbccdd"
          // N: np none, len 12; type 16389
          + "00 00 000c 00 00 4005 11223344";

  /**
   * IKEv2 IKE_AUTH response with an SK payload (np of SK = IDr(36), the first inner payload). Total
   * 28 + 4 + 16 = 48 = 0x30.
   */
  static final String IKEV2_AUTH_SK =
      "8b1d2c3a4f5e6d70 2f9e8d7c6b5a4938 2e 20 23 20 00000001 00000030"
          + "24 00 0014 00112233445566778899aabbccddeeff";
}
