import { hasLength, isEmail, isNotEmpty } from '@mantine/form';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

export const validateEmail = isEmail('Enter a valid email address');
export const validateRequired = (label: string) => isNotEmpty(`${label} is required`);
export const validatePassword = hasLength(
  { min: PASSWORD_MIN, max: PASSWORD_MAX },
  `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
);

/** Only same-site paths: `next` comes from the URL and must not send the user elsewhere. */
export function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/setup')) return '/';
  return next;
}

/** The "Confirm password" field's rule. */
export const validatePasswordConfirmation = (value: string, values: { password: string }) =>
  value !== values.password ? 'The passwords do not match' : null;
