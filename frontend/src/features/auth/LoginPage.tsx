import { Alert } from '@mantine/core';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/auth-context';
import { AuthLayout } from './components/AuthLayout';
import { LoginForm } from './components/LoginForm';
import { safeNextPath } from './validation';

export default function LoginPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // The invitation page sends existing users here after they joined an account.
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  return (
    <AuthLayout title="Sign in to Switchboard">
      {notice && (
        <Alert color="teal" mb="md" role="status">
          {notice}
        </Alert>
      )}
      <LoginForm
        onSubmit={async (input) => {
          await auth.login(input);
          navigate(safeNextPath(params.get('next')), { replace: true });
        }}
      />
    </AuthLayout>
  );
}
