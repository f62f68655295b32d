// Type declarations of the anteroom browser client (anteroom.js).
// The wire shapes follow docs/api.md and docs/realtime.md.

export type Unsubscribe = () => void;

export class Emitter<Events extends Record<string, unknown> = Record<string, unknown>> {
  on<K extends keyof Events>(type: K, fn: (payload: Events[K]) => void): Unsubscribe;
  off<K extends keyof Events>(type: K, fn: (payload: Events[K]) => void): void;
  once<K extends keyof Events>(type: K, fn: (payload: Events[K]) => void): Unsubscribe;
  emit<K extends keyof Events>(type: K, payload: Events[K]): void;
}

export type ErrorCode =
  | 'bad_request'
  | 'forbidden'
  | 'not_found'
  | 'guests_disabled'
  | 'not_started'
  | 'gone'
  | 'expired'
  | 'too_large'
  | 'locked'
  | 'server'
  | 'http'
  | 'network'
  | ClosedReason;

export class AnteroomError extends Error {
  readonly code: ErrorCode;
  readonly status: number | null;
  readonly body: unknown;
  constructor(code: ErrorCode, message: string, extra?: { status?: number; body?: unknown; cause?: unknown });
  static fromStatus(status: number, body: unknown): AnteroomError;
}

export interface RoomOptions {
  show_names: boolean;
  show_label: boolean;
  exit_url: string | null;
  guest_token_available: boolean;
  lock_available: boolean;
  kick_available: boolean;
  widescreen: boolean;
  background_color?: string;
  custom_fields: { locale?: string; hide_chat?: boolean; logo?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The room response of `POST /permalink/<user_token>`, `POST /guests/<token>`, `GET /rooms/<access_key>`. */
export interface RoomResponse {
  access_key: string;
  ready: boolean;
  locked: boolean;
  room: { id: string; name: string; ready: boolean; started_at: string; shutdown: boolean; guest_token: string };
  user: { id: string; room_id: string; name: string; avatar: string | null; guest: boolean };
  links: { self: string; gui: string; guest_join: string | null; websocket: string };
  options: RoomOptions;
  signaling: {
    type: string;
    options: { client_id: string; conf_id: string; endpoint: string; stun_servers: string[]; turn_servers: RTCIceServer[] };
  };
  [key: string]: unknown;
}

/** `GET /permalink/<token>` and the waiting stream's `info` event (D15). */
export interface MeetingInfo {
  permalink: { id: string; created_at: string; expires_at: string | null };
  room: { id: string; name: string; started_at: string | null; ready: boolean };
  options: RoomOptions;
}

export interface Participant {
  participant_id: string;
  user_id: string;
  name: string;
  avatar: string | null;
  guest: boolean;
  audio_muted: boolean;
  video_muted: boolean;
  screen: boolean;
}

export interface Session {
  participant_id: string;
  user_id: string;
  name: string;
  guest: boolean;
  resumed: boolean;
}

export interface MeetingDetails {
  id: string;
  room_id: string;
  name: string;
  started_at: string;
  locked: boolean;
  options: RoomOptions;
}

export interface ChatMessage {
  content: string;
  participant_id: string | null;
  user_id: string | null;
  name: string | null;
  created_at: string;
}

export type ClosedReason = 'left' | 'kicked' | 'removed' | 'replaced' | 'ended' | 'not_found';
export type EndReason = 'stopped' | 'shutdown' | 'idle' | 'empty' | 'permalink_deleted';

export interface Closed {
  reason: ClosedReason;
  ended: { reason: EndReason; by: string | null } | null;
}

export type TrackKind = 'audio' | 'camera' | 'screen';

export interface RemoteTrack {
  mid: string;
  participantId: string;
  kind: TrackKind;
  track: MediaStreamTrack;
}

/** What to send: a track, `true` for the default device, constraints, or nothing. */
export type MediaSpec = MediaStreamTrack | MediaTrackConstraints | boolean | null | undefined;

export interface JoinOptions {
  audio?: MediaSpec;
  video?: MediaSpec;
  muted?: { audio?: boolean; video?: boolean };
}

export type MeetingState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface MeetingEvents {
  state: { state: MeetingState };
  welcome: { session: Session; meeting: MeetingDetails | null; resumed: boolean };
  participants: Participant[];
  participant_joined: Participant;
  participant_updated: Participant;
  participant_left: { participant: Participant; reason: 'left' | 'dropped' | 'kicked' | 'removed' };
  chat: ChatMessage;
  custom: ChatMessage;
  locked: Record<string, never>;
  closed: Closed;
  track: RemoteTrack;
  track_removed: RemoteTrack;
  local_track: { kind: TrackKind; track: MediaStreamTrack | null };
  mute: { audio: boolean; video: boolean };
  media: RTCPeerConnectionState;
  error: { source: 'server' | 'media'; message: string; error?: unknown };
  [key: string]: unknown;
}

export class Meeting extends Emitter<MeetingEvents> {
  state: MeetingState;
  session: Session | null;
  meeting: MeetingDetails | null;
  participants: Map<string, Participant>;
  locked: boolean;
  closed: Closed | null;
  readonly accessKey: string;
  readonly room: RoomResponse;
  readonly options: RoomOptions;
  readonly isGuest: boolean;
  readonly localTracks: { audio: MediaStreamTrack | null; camera: MediaStreamTrack | null; screen: MediaStreamTrack | null };
  readonly remoteTracks: RemoteTrack[];
  readonly muted: { audio: boolean; video: boolean };
  readonly peerConnection: RTCPeerConnection | null;
  constructor(env: ClientEnv, room: RoomResponse, options?: JoinOptions);
  join(): Promise<Meeting>;
  sendChat(content: string): boolean;
  sendCustom(content: string | object): boolean;
  mute(states: { audio?: boolean; video?: boolean }): void;
  publishAudio(spec?: MediaSpec): Promise<MediaStreamTrack | null>;
  unpublishAudio(): Promise<void>;
  publishCamera(spec?: MediaSpec): Promise<MediaStreamTrack | null>;
  unpublishCamera(): Promise<void>;
  shareScreen(constraints?: DisplayMediaStreamOptions): Promise<MediaStreamTrack>;
  stopScreen(): Promise<void>;
  setLayer(participantId: string, layer: 'h' | 'l' | 'auto'): boolean;
  kick(userId: string): boolean;
  lock(): boolean;
  end(): boolean;
  leave(): Promise<void>;
}

export interface WatcherEvents {
  info: MeetingInfo;
  started: MeetingInfo;
  ended: MeetingInfo;
  expired: MeetingInfo;
  gone: MeetingInfo | null;
  connection: { state: 'open' | 'reconnecting' };
  [key: string]: unknown;
}

export class PermalinkWatcher extends Emitter<WatcherEvents> {
  readonly info: MeetingInfo | null;
  readonly closed: boolean;
  constructor(env: ClientEnv, token: string);
  start(): this;
  close(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}

/** What the library reaches outside itself; every field can be replaced for tests. */
export interface ClientOptions {
  /** The API's base URL; default: the page's origin. */
  api?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  EventSource?: typeof EventSource;
  /** `null` joins without media (signaling only). */
  RTCPeerConnection?: typeof RTCPeerConnection | null;
  mediaDevices?: MediaDevices;
  timers?: Timers;
  now?: () => number;
  random?: () => number;
}

export interface ClientEnv {
  api: unknown;
  WebSocket: typeof WebSocket;
  EventSource: typeof EventSource;
  RTCPeerConnection: typeof RTCPeerConnection | null;
  mediaDevices: MediaDevices;
  timers: Timers;
  now: () => number;
  random: () => number;
}

export interface GuestDetails {
  name: string;
  email?: string;
  id?: string;
  avatar?: string;
  locale?: string;
}

export interface DeviceChoice {
  audio?: boolean;
  video?: boolean;
  audioDeviceId?: string;
  videoDeviceId?: string;
}

export interface DeviceInfo {
  deviceId: string;
  label: string;
  kind: MediaDeviceKind;
}

export class Anteroom {
  readonly env: ClientEnv;
  readonly api: string;
  constructor(options?: ClientOptions);
  startPermalink(userToken: string, options?: { name?: string }): Promise<RoomResponse>;
  meetingInfo(token: string): Promise<MeetingInfo>;
  watchPermalink(token: string): PermalinkWatcher;
  waitForMeeting(token: string, options?: { signal?: AbortSignal; onInfo?: (info: MeetingInfo) => void }): Promise<MeetingInfo>;
  registerGuest(guestToken: string, details: GuestDetails): Promise<RoomResponse>;
  room(accessKey: string): Promise<RoomResponse>;
  meeting(room: RoomResponse, options?: JoinOptions): Meeting;
  join(roomOrAccessKey: RoomResponse | string, options?: JoinOptions): Promise<Meeting>;
  devices(): Promise<{ audioinput: DeviceInfo[]; videoinput: DeviceInfo[]; audiooutput: DeviceInfo[] }>;
  openMedia(choice?: DeviceChoice): Promise<MediaStream>;
}

export const CAMERA_ENCODINGS: ReadonlyArray<RTCRtpEncodingParameters>;

export interface NegotiatorEvents {
  track: RemoteTrack;
  track_removed: RemoteTrack;
  connection: RTCPeerConnectionState;
  error: Error;
  [key: string]: unknown;
}

export class Negotiator extends Emitter<NegotiatorEvents> {
  participantId: string | null;
  readonly pc: RTCPeerConnection;
  readonly signalingState: RTCSignalingState;
  readonly remoteTracks: RemoteTrack[];
  constructor(
    env: { RTCPeerConnection: typeof RTCPeerConnection },
    options: { send: (message: object) => void; participantId?: string | null; iceServers?: RTCIceServer[] },
  );
  setTrack(kind: TrackKind, track: MediaStreamTrack | null, streams?: MediaStream[]): Promise<void>;
  handle(message: { type: 'sdp'; description: RTCSessionDescriptionInit; tracks?: { mid: string; participant_id: string; kind: TrackKind }[] }): Promise<void>;
  resync(): Promise<void>;
  close(): void;
}

export interface ConnectionEvents {
  message: { type: string; [key: string]: unknown };
  state: { state: 'connecting' | 'open' | 'reconnecting' | 'closed'; attempt?: number; delay?: number };
  closed: { reason: string; ended: Closed['ended']; code: number | null };
  [key: string]: unknown;
}

export class RealtimeConnection extends Emitter<ConnectionEvents> {
  readonly state: 'connecting' | 'open' | 'reconnecting' | 'closed';
  constructor(
    env: Pick<ClientEnv, 'WebSocket' | 'timers' | 'now' | 'random'>,
    url: string,
    probe?: () => Promise<{ reason: string; ended?: Closed['ended'] } | null>,
  );
  connect(): this;
  send(message: object): boolean;
  close(reason?: string): void;
}

/** The delay in ms before reconnect attempt `attempt` (0-based), with ±20 % jitter. */
export function reconnectDelay(attempt: number, random?: () => number): number;
/** True when the permalink can no longer be started and no meeting runs. */
export function isExpired(info: MeetingInfo, now: number): boolean;
export function mediaConstraints(choice?: DeviceChoice): MediaStreamConstraints;
export function listDevices(
  mediaDevices: MediaDevices | undefined,
): Promise<{ audioinput: DeviceInfo[]; videoinput: DeviceInfo[]; audiooutput: DeviceInfo[] }>;
