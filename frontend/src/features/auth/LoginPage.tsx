import { useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/auth-context';
import { AuthLayout } from './components/AuthLayout';
import { LoginForm } from './components/LoginForm';
import { safeNextPath } from './validation';

export default function LoginPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <AuthLayout title="Sign in to Switchboard">
      <LoginForm
        onSubmit={async (input) => {
          await auth.login(input);
          navigate(safeNextPath(params.get('next')), { replace: true });
        }}
      />
    </AuthLayout>
  );
}
