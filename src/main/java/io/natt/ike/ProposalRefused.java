package io.natt.ike;

/**
 * The IUT refused what the harness proposed: NO_PROPOSAL_CHOSEN, ATTRIBUTES_NOT_SUPPORTED or
 * INVALID_TRANSFORM_ID to a proposal, INVALID_KEY_INFORMATION to the Diffie-Hellman exchange of a
 * group it had accepted, or INVALID_ID_INFORMATION to a Quick Mode's identities (the tunnel's inner
 * addresses, {@link #identities()}). This is a set-up mismatch between the scenario and the
 * device's configuration, not a verdict on NAT traversal (except where refusing the tunnel is the
 * IUT's answer, as to a second client with another's inner address, RFC 3948 section 5.1).
 */
public final class ProposalRefused extends IkeException {
  /** Which proposal the refusal is about. */
  public enum Phase {
    /** The IKE SA (Main or Aggressive Mode). */
    PHASE1,
    /** The ESP SA (Quick Mode). */
    ESP
  }

  private final Phase phase;
  private final String notification;
  private final String answeredMessage;

  public ProposalRefused(Phase phase, String notification, String answeredMessage) {
    super("the IUT answered " + answeredMessage + " with the error notification " + notification);
    this.phase = phase;
    this.notification = notification;
    this.answeredMessage = answeredMessage;
  }

  public Phase phase() {
    return phase;
  }

  /** The notification's name, for example NO_PROPOSAL_CHOSEN. */
  public String notification() {
    return notification;
  }

  /** The harness's message it answered, for example "Main Mode message 1". */
  public String answeredMessage() {
    return answeredMessage;
  }

  /** INVALID_ID_INFORMATION to a Quick Mode: the IUT refused the tunnel's identities. */
  public boolean identities() {
    return notification.equals("INVALID_ID_INFORMATION");
  }

  /** INVALID_KEY_INFORMATION: the group was accepted but the IUT could not do the exchange. */
  public boolean keyExchange() {
    return notification.equals("INVALID_KEY_INFORMATION");
  }
}
