// Local devices: constraints for chosen devices, and turning a "what to
// send" option (a track, `true`, constraints, or nothing) into a track.

/** The camera size asked for; the `l` simulcast layer is half of it. */
const CAMERA = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/**
 * getUserMedia constraints for chosen devices.
 * @param {{audio?: boolean, video?: boolean, audioDeviceId?: string, videoDeviceId?: string}} [choice]
 */
export function mediaConstraints({ audio = true, video = true, audioDeviceId, videoDeviceId } = {}) {
  return {
    audio: audio
      ? {
          ...(audioDeviceId ? { deviceId: { exact: audioDeviceId } } : {}),
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: true,
        }
      : false,
    video: video ? { ...(videoDeviceId ? { deviceId: { exact: videoDeviceId } } : {}), ...CAMERA } : false,
  };
}

/** Lists the devices by kind: `{audioinput, videoinput, audiooutput}`. */
export async function listDevices(mediaDevices) {
  const out = { audioinput: [], videoinput: [], audiooutput: [] };
  if (!mediaDevices?.enumerateDevices) return out;
  for (const device of await mediaDevices.enumerateDevices()) {
    out[device.kind]?.push({ deviceId: device.deviceId, label: device.label, kind: device.kind });
  }
  return out;
}

/**
 * One track of `kind` (`audio` or `video`) from `spec`: a track is used as
 * it is; `true` or a constraints object opens the device; anything else is
 * no track.
 */
export async function trackFrom(mediaDevices, kind, spec) {
  if (!spec) return null;
  if (typeof spec === 'object' && typeof spec.kind === 'string' && typeof spec.stop === 'function') {
    return spec;
  }
  const base = mediaConstraints({ audio: kind === 'audio', video: kind === 'video' })[kind];
  const constraints = spec === true ? base : { ...base, ...spec };
  const stream = await mediaDevices.getUserMedia({ [kind]: constraints });
  const [track] = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
  return track ?? null;
}
