import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { SearchBackendsController } from './search-backends.controller';
import { SearchBackendsService } from './search-backends.service';

@Module({ imports: [StoreModule], controllers: [SearchBackendsController], providers: [SearchBackendsService] })
export class SearchBackendsModule {}
