// The message that carries a profile to the webview: as an object for ordinary profiles, packed
// into bytes (packProfile) above the size where the HTML report packs it too, since JSON of that
// size is what makes posting and parsing slow.
import { packProfile } from '../profiler/export/index';
import { COMPRESS_ABOVE_BYTES } from '../profiler/export/html';
import type { Profile } from '../profiler/profile';
import type { HostToWebview } from '../shared/webviewProtocol';

export function profileMessage(
  profile: Profile,
  source: string | null,
  packAboveBytes = COMPRESS_ABOVE_BYTES,
): HostToWebview {
  if (JSON.stringify(profile).length <= packAboveBytes) return { type: 'profile', profile, source };
  return { type: 'packedProfile', data: packProfile(profile), source };
}
