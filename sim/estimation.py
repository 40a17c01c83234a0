"""Small numpy-only estimators for the gravity equation of trade.

Two estimators, both returning a frozen :class:`FitResult`:

* :func:`ppml` - Poisson pseudo-maximum likelihood (PPML) for a constant-elasticity
  model ``E[y | X] = exp(X b)``, fitted by iteratively reweighted least squares (IRLS).
  PPML only needs the conditional mean to be correctly specified, is consistent under
  heteroskedasticity of unknown form and keeps zero flows in the sample. References:
  Santos Silva, J. M. C. and S. Tenreyro (2006), "The Log of Gravity", Review of
  Economics and Statistics 88(4): 641-658; Gourieroux, C., A. Monfort and A. Trognon
  (1984), "Pseudo Maximum Likelihood Methods: Applications to Poisson Models",
  Econometrica 52(3): 701-720. IRLS: McCullagh, P. and J. A. Nelder (1989), Generalized
  Linear Models, 2nd ed., ch. 2.5.
* :func:`ols` - ordinary least squares, e.g. on log flows (the traditional log-linear
  gravity estimator that Santos Silva & Tenreyro criticise).

Standard errors are heteroskedasticity-robust sandwich (HC0) errors: White, H. (1980),
"A Heteroskedasticity-Consistent Covariance Matrix Estimator and a Direct Test for
Heteroskedasticity", Econometrica 48(4): 817-838. The caller supplies the design
matrix ``X`` including any constant column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FitResult", "ols", "ppml"]


@dataclass(frozen=True)
class FitResult:
    """Result of a regression fit.

    Attributes:
        coef: Estimated coefficients, shape (k,), in the column order of ``X``.
        se: Heteroskedasticity-robust (HC0 sandwich) standard errors, shape (k,).
        fitted: Fitted values, shape (n,): ``X @ coef`` for OLS, ``exp(X @ coef)``
            for PPML (the conditional mean, in the units of ``y``).
        r2: For OLS the usual centred R^2; for PPML the squared correlation between
            ``y`` and the fitted mean, as reported by Santos Silva & Tenreyro (2006).
        n_obs: Number of observations.
        iterations: IRLS iterations used (0 for OLS, which is closed form).
        converged: Whether the iteration met its tolerance (always True for OLS).
    """

    coef: np.ndarray
    se: np.ndarray
    fitted: np.ndarray
    r2: float
    n_obs: int
    iterations: int
    converged: bool


def _check_inputs(y, X):
    """Validate and convert ``y`` and ``X`` to float arrays.

    Args:
        y: Dependent variable, shape (n,).
        X: Design matrix, shape (n, k).

    Returns:
        The pair ``(y, X)`` as float64 arrays.

    Raises:
        ValueError: On wrong dimensions, mismatched lengths, too few observations,
            non-finite values or a rank-deficient ``X``.
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y.shape}")
    if X.ndim != 2:
        raise ValueError(f"X must be two-dimensional (n, k), got shape {X.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"shape mismatch: y has {y.shape[0]} rows but X has {X.shape[0]}")
    if X.shape[0] <= X.shape[1]:
        raise ValueError(
            f"need more observations than regressors, got n={X.shape[0]}, k={X.shape[1]}"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinite values")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError("X is rank deficient (collinear columns)")
    return y, X


def _sandwich(X, bread_weights, scores):
    """HC0 covariance ``A^-1 B A^-1`` with ``A = X' diag(w) X``, ``B = X' diag(u^2) X``.

    Args:
        X: Design matrix, shape (n, k).
        bread_weights: Weights ``w`` of the Hessian, shape (n,).
        scores: Residuals ``u`` entering the score ``X' u``, shape (n,).

    Returns:
        The (k, k) covariance matrix.
    """
    a_inv = np.linalg.inv(X.T @ (bread_weights[:, None] * X))
    meat = X.T @ ((scores**2)[:, None] * X)
    return a_inv @ meat @ a_inv


def _r2(y, fitted):
    """Centred R^2 ``1 - SSR / SST`` of ``fitted`` for ``y``.

    Args:
        y: Observed values.
        fitted: Fitted values.

    Returns:
        The R^2 (NaN when ``y`` is constant).
    """
    sst = float(np.sum((y - y.mean()) ** 2))
    return float("nan") if sst == 0.0 else 1.0 - float(np.sum((y - fitted) ** 2)) / sst


def ols(y, X):
    """Ordinary least squares with HC0 robust standard errors.

    Args:
        y: Dependent variable, shape (n,), finite.
        X: Design matrix, shape (n, k), including a constant column if wanted.

    Returns:
        A :class:`FitResult`; ``r2`` is the usual centred R^2.

    Raises:
        ValueError: On bad input (see :func:`_check_inputs`).
    """
    y, X = _check_inputs(y, X)
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    fitted = X @ coef
    cov = _sandwich(X, np.ones_like(y), y - fitted)
    return FitResult(
        coef=coef,
        se=np.sqrt(np.diag(cov)),
        fitted=fitted,
        r2=_r2(y, fitted),
        n_obs=int(y.size),
        iterations=0,
        converged=True,
    )


def ppml(y, X, *, max_iter=100, tol=1e-10):
    """Poisson pseudo-maximum likelihood, ``E[y | X] = exp(X b)``, by IRLS.

    Each IRLS step is a Newton step on the Poisson log-likelihood (log is the canonical
    link): with ``mu = exp(X b)`` it solves the weighted least-squares problem of the
    working response ``z = X b + (y - mu) / mu`` on ``X`` with weights ``mu``. The start
    is ``mu = (y + mean(y)) / 2``, the usual GLM choice that is positive even for zeros.
    Iteration stops when no coefficient moves by more than ``tol * (1 + |b|)``; the
    Newton steps converge quadratically, so this is reached in a few more iterations than
    a deviance-based rule and leaves coefficients accurate to about machine precision.

    Args:
        y: Dependent variable, shape (n,), non-negative and finite; zeros allowed.
        X: Design matrix, shape (n, k), including a constant column if wanted.
        max_iter: Maximum number of IRLS iterations.
        tol: Convergence tolerance on the (relative) change of the coefficients.

    Returns:
        A :class:`FitResult` with HC0 (sandwich) standard errors
        ``(X'MX)^-1 X' diag((y - mu)^2) X (X'MX)^-1``, ``M = diag(mu)``; ``r2`` is the
        squared correlation of ``y`` and the fitted mean.

    Raises:
        ValueError: On bad input (see :func:`_check_inputs`), negative ``y``, ``y`` all
            zero, or non-positive ``max_iter`` / ``tol``.
    """
    y, X = _check_inputs(y, X)
    if np.any(y < 0):
        raise ValueError("PPML needs a non-negative dependent variable; y has negative values")
    if not np.any(y > 0):
        raise ValueError("PPML needs at least one positive value of y")
    if max_iter < 1 or tol <= 0:
        raise ValueError("max_iter must be >= 1 and tol > 0")

    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    coef = np.full(X.shape[1], np.inf)
    converged = False
    iterations = 0
    for iteration in range(1, max_iter + 1):
        iterations = iteration
        z = eta + (y - mu) / mu
        sw = np.sqrt(mu)
        new = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)[0]
        step = np.max(np.abs(new - coef) / (1.0 + np.abs(new)))
        coef = new
        eta = X @ coef
        mu = np.exp(eta)
        if step <= tol:
            converged = True
            break

    fitted = mu
    cov = _sandwich(X, fitted, y - fitted)
    r = np.corrcoef(y, fitted)[0, 1] if np.std(fitted) > 0 else 0.0
    return FitResult(
        coef=coef,
        se=np.sqrt(np.diag(cov)),
        fitted=fitted,
        r2=float(r**2),
        n_obs=int(y.size),
        iterations=iterations,
        converged=converged,
    )
