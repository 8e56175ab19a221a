import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { produit } from '../test/helpers';
import { ProductImage } from './ProductCard';

describe('ProductImage', () => {
  it('reserves a 16:9 box and loads lazily unless above the fold', () => {
    const { rerender } = render(<ProductImage produit={produit({ nom: 'Souris' })} />);
    const img = screen.getByRole('img', { name: /^Souris/ });
    expect(img).toHaveAttribute('width', '320');
    expect(img).toHaveAttribute('height', '180');
    expect(img).toHaveAttribute('loading', 'lazy');
    expect(img).toHaveAttribute('decoding', 'async');
    expect(img).toHaveClass('vignette');
    rerender(<ProductImage produit={produit({ nom: 'Souris' })} eager />);
    expect(screen.getByRole('img')).toHaveAttribute('loading', 'eager');
  });

  it('shows the category illustration instead of a broken admin image', () => {
    render(
      <ProductImage
        produit={produit({ nom: 'Casque', categorie: 'Audio', image_url: '/images/absente.png' })}
      />,
    );
    const img = screen.getByRole('img', { name: 'Casque' });
    expect(img).toHaveAttribute('src', '/images/absente.png');
    fireEvent.error(img);
    expect(screen.getByRole('img')).toHaveAttribute('src', expect.stringMatching(/audio.*\.svg$/));
    expect(screen.getByRole('img')).toHaveAccessibleName(
      'Casque (illustration de la catégorie Audio)',
    );
  });
});
