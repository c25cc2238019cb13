// A protocol peer that signs in by hand, step by step, so that the security tests can break any
// step on purpose: sign the wrong text, reuse a nonce, replay or tamper with a sealed frame.
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, type SignInFacts, signText } from "../protocol/auth.ts";
import { SessionChannel } from "../transport/session_channel.ts";
import type { AuthChallenge, AuthResult, ClientMessage, Identity } from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { InboxPeer } from "./_inbox.ts";
import { dialledOrigin } from "../client/sign_in.ts";
import { sharedSecret } from "../protocol/session_crypto.ts";
import { CommandSigner } from "../transport/command_signer.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.ts";
import { deriveSessionSecrets } from "../transport/session_secrets.ts";

/** A raw peer with a {@linkcode SessionChannel}, signing in under the test's control. */
export class SignedPeer extends InboxPeer {
  readonly url: string;
  readonly identityKey: Uint8Array;
  readonly sessionKey = secp.utils.randomSecretKey();
  /** Every payload handed to the socket, in order (sealed frames once sealed). */
  readonly sent: (string | Uint8Array)[] = [];
  /** While true, payloads are recorded in `sent` but not written to the socket. */
  hold = false;
  challenge: AuthChallenge | undefined;
  #token: string | undefined;
  #signer: CommandSigner | undefined;
  #lastTimestamp = 0;
  readonly #socket: WebSocket;
  readonly #channel: SessionChannel;

  private constructor(url: string, socket: WebSocket, identityKey: Uint8Array) {
    // What arrived before a close may still be in the channel (decrypting).
    const later: { channel?: SessionChannel } = {};
    super(socket, () => later.channel!.drained());
    this.url = url;
    this.#socket = socket;
    this.identityKey = identityKey;
    this.#channel = later.channel = new SessionChannel({
      send: (payload) => {
        this.sent.push(payload);
        if (!this.hold && socket.readyState === WebSocket.OPEN) socket.send(payload);
      },
      deliver: (incoming) => {
        if (!incoming.ok) this.received({ refused: incoming.error.code });
        else if (incoming.value.type === "text") this.received(incoming.value.text);
        else this.received(incoming.value.frame);
      },
    });
    socket.addEventListener("message", (event) => {
      const data = event.data;
      this.#channel.receive(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    });
  }

  static async open(
    url: string,
    identityKey: Uint8Array = secp.utils.randomSecretKey(),
  ): Promise<SignedPeer> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", reject);
    });
    return new SignedPeer(url, socket, identityKey);
  }

  get identity(): Identity {
    return { kind: "secp256k1", publicKey: bytesToHex(secp.getPublicKey(this.identityKey)) };
  }

  get sessionPublicKey(): string {
    return bytesToHex(secp.getPublicKey(this.sessionKey));
  }

  /** The facts of the challenge received, as this peer would sign them. */
  facts(identity: Identity = this.identity): SignInFacts {
    const c = this.challenge!;
    return {
      origin: dialledOrigin(this.url),
      identity,
      nonce: c.nonce,
      clientSessionKey: this.sessionPublicKey,
      serverSessionKey: c.sessionKey,
      issuedAt: c.issuedAt,
      expiresAt: c.expiresAt,
      encryption: c.encryption,
      chainId: c.chainId,
    };
  }

  /** Sends `auth:nonce` and waits for the challenge. */
  async requestChallenge(identity: Identity = this.identity): Promise<AuthChallenge> {
    this.send({
      event: "auth:nonce",
      data: { identity, sessionKey: this.sessionPublicKey },
      timestamp: Date.now(),
      requestId: "auth-1",
    });
    this.challenge = (await this.message("auth:challenge")).data;
    return this.challenge;
  }

  /** Sends `auth:authenticate` with a signature (by default the right one) and waits for the result. */
  async authenticate(
    signature = signText(this.identityKey, challengeText(this.facts())),
    { identity = this.identity, nonce = this.challenge!.nonce } = {},
  ): Promise<AuthResult> {
    this.send({
      event: "auth:authenticate",
      data: { identity, nonce, signature },
      timestamp: Date.now(),
      requestId: "auth-2",
    });
    const result = (await this.message("auth:result", "auth-2")).data;
    if (result.authenticated) await this.#establish(result.token);
    return result;
  }

  /** The whole sign-in with the right signature. */
  async signIn(): Promise<void> {
    await this.requestChallenge();
    const result = await this.authenticate();
    if (!result.authenticated) throw new Error(`sign-in refused: ${result.error.code}`);
  }

  async #establish(token: string): Promise<void> {
    const shared = sharedSecret(this.sessionKey, this.challenge!.sessionKey)!;
    const secrets = await deriveSessionSecrets(shared, this.challenge!.nonce);
    this.#token = token;
    this.#signer = await CommandSigner.create(secrets.commands);
    if (this.challenge!.encryption) {
      this.#channel.seal(
        await FrameSealer.create(secrets.clientToServer),
        await FrameOpener.create(secrets.serverToClient),
      );
    }
  }

  /** The command with `auth` signed by this session, at `timestamp` when given. */
  async signed(
    message: ClientMessage,
    options: { timestamp?: number } = {},
  ): Promise<ClientMessage> {
    // A timestamp the test forces (stale, future) does not move the peer's own clock.
    const timestamp = options.timestamp ??
      (this.#lastTimestamp = Math.max(Date.now(), this.#lastTimestamp + 1));
    const auth = { token: this.#token!, timestamp };
    const signature = await this.#signer!.sign({ ...message, auth });
    return { ...message, auth: { ...auth, signature } };
  }

  /** Sends a message through the channel: sealed once signed in with encryption. */
  send(message: ClientMessage | string): void {
    this.#channel.sendText(typeof message === "string" ? message : encodeMessage(message));
  }

  /** Writes bytes or text to the socket as they are, around the channel. */
  sendRaw(payload: string | Uint8Array): void {
    this.#socket.send(payload);
  }

  flushed(): Promise<void> {
    return this.#channel.flushed();
  }

  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close();
    await this.closed;
    await this.#channel.flushed();
  }
}
