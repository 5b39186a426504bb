// Validates profiles against the shipped JSON Schema and the loader's structure checks (indexes in
// range, equal columns): a profile that passes here is one `show`, export and the panel will read.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../schema/profile.schema.json';
import type { Profile } from '../../src/profiler/profile';
import { structureProblem } from '../../src/profiler/profileLoader';

const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile<Profile>(schema);

/** Throws with the schema errors, or the first structure problem, when `profile` is not a readable profile. */
export function assertValidProfile(profile: unknown): void {
  if (!validate(profile)) {
    throw new Error(
      `profile does not match schema/profile.schema.json:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`,
    );
  }
  const problem = structureProblem(profile);
  if (problem) throw new Error(`profile fails the loader's structure check: ${problem}`);
}
