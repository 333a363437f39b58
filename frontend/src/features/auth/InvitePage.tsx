import { Alert, Anchor, Button, Center, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { FormErrors } from '@/components/FormErrors';
import { useAuth } from '@/lib/auth/auth-context';
import { acceptInvitation, peekInvitation, type InvitationView } from '@/lib/auth/invitations';
import { ApiError } from '@/lib/auth/session-api';
import { formatDateTime } from '@/lib/format';
import { ROLE_LABELS } from '@/lib/roles';
import { AuthLayout } from './components/AuthLayout';
import { NewPasswordFields } from './components/NewPasswordFields';
import { validatePassword, validatePasswordConfirmation, validateRequired } from './validation';
import { useInvalidFocus } from '@/components/FormModal';

interface Values {
  name: string;
  password: string;
  confirmPassword: string;
}

/** Where the login page reads the "you joined" notice from. */
export interface LoginNotice {
  notice?: string;
}

function Broken({ message }: { message: string }) {
  return (
    <AuthLayout title="This invitation cannot be used">
      <Stack gap="md">
        <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert">
          {message}
        </Alert>
        <Text size="sm">Ask your administrator for a new invitation.</Text>
        <Anchor component={Link} to="/login" size="sm">
          Go to sign in
        </Anchor>
      </Stack>
    </AuthLayout>
  );
}

/** `/invite/:token`: the link of an invitation mail (public, outside the console shell). */
export default function InvitePage({ fetchImpl }: { fetchImpl?: typeof fetch }) {
  const { token = '' } = useParams();
  const auth = useAuth();
  const navigate = useNavigate();
  const [view, setView] = useState<InvitationView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  const [joining, setJoining] = useState(false);
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: { name: '', password: '', confirmPassword: '' },
    validate: {
      name: validateRequired('Name'),
      password: validatePassword,
      confirmPassword: validatePasswordConfirmation,
    },
  });
  const { ref, focusInvalid, afterSubmit } = useInvalidFocus();

  useEffect(() => {
    let cancelled = false;
    peekInvitation(token, fetchImpl).then(
      (v) => !cancelled && setView(v),
      (err: unknown) => !cancelled && setFailure(err instanceof Error ? err.message : 'The invitation could not be read.'),
    );
    return () => {
      cancelled = true;
    };
  }, [token, fetchImpl]);

  if (failure) return <Broken message={failure} />;
  if (!view) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading the invitation" />
      </Center>
    );
  }

  const subtitle = (
    <>
      {view.invitedBy || 'An administrator'} invited you to join <b>{view.accountName}</b> as{' '}
      <b>{ROLE_LABELS[view.role] ?? view.role}</b>. The link works until {formatDateTime(view.expiresAt)}.
    </>
  );

  function fail(err: unknown) {
    if (err instanceof ApiError && err.field && ['name', 'password'].includes(err.field)) {
      form.setFieldError(err.field, err.message);
    } else if (err instanceof ApiError && !err.field && [400, 404, 409, 410].includes(err.status)) {
      // The link was used, revoked or expired meanwhile.
      setFailure(err.message);
    } else {
      setGeneral([err instanceof Error ? err.message : 'The invitation could not be accepted.']);
    }
  }

  if (view.existingUser) {
    const join = async () => {
      setGeneral([]);
      setJoining(true);
      try {
        await acceptInvitation(token, { name: '', password: '' }, fetchImpl);
        const state: LoginNotice = { notice: `You joined ${view.accountName}; sign in.` };
        navigate('/login', { replace: true, state });
      } catch (err) {
        fail(err);
      } finally {
        setJoining(false);
      }
    };
    return (
      <AuthLayout title={`Join ${view.accountName}`} subtitle={subtitle}>
        <Stack gap="md">
          <FormErrors errors={general} />
          <Text size="sm">
            You already have a Switchboard user ({view.email}). Join, then sign in with your own password.
          </Text>
          <Button onClick={join} loading={joining} fullWidth>
            Join {view.accountName}
          </Button>
        </Stack>
      </AuthLayout>
    );
  }


  const submit = form.onSubmit(afterSubmit(async (values) => {
    setGeneral([]);
    try {
      const out = await acceptInvitation(token, { name: values.name.trim(), password: values.password }, fetchImpl);
      if (out.kind === 'session') {
        // Stored as a sign-in stores it: the token manager signs the console in.
        auth.tokens.setSession(out.session);
        navigate('/', { replace: true });
      } else {
        const state: LoginNotice = { notice: `You joined ${view.accountName}; sign in.` };
        navigate('/login', { replace: true, state });
      }
    } catch (err) {
      fail(err);
    }
  }), focusInvalid);

  return (
    <AuthLayout title={`Join ${view.accountName}`} subtitle={subtitle}>
      <form ref={ref} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          <TextInput label="Email" value={view.email} readOnly disabled />
          <TextInput label="Your name" autoComplete="name" required key={form.key('name')} {...form.getInputProps('name')} />
          <NewPasswordFields form={form} />
          <Button type="submit" loading={form.submitting} fullWidth mt="xs">
            Set password and join
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
