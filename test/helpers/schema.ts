// Validates profiles against the shipped JSON Schema.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../schema/profile.schema.json';

const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Throws with the schema errors when `profile` does not match the format. */
export function assertValidProfile(profile: unknown): void {
  if (!validate(profile)) {
    throw new Error(
      `profile does not match schema/profile.schema.json:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`,
    );
  }
}
